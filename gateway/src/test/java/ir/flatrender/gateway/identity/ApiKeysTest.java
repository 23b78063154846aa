package ir.flatrender.gateway.identity;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingClock;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** API keys made, checked, rotated and revoked against the real database. */
class ApiKeysTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");
    private static final List<String> SCOPES = List.of("renders:read", "renders:write");

    private Jdbi jdbi;
    private TestingClock clock;
    private ApiKeys keys;
    private Principal admin;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void keys() {
        jdbi = postgres.database().jdbi();
        clock = new TestingClock(Instant.now());
        keys = new ApiKeys(jdbi, JSON, clock);
        admin = admin(TestingTenants.tenant(jdbi, "free"));
    }

    private Principal admin(UUID tenant) {
        UUID user = TestingTenants.user(jdbi, "admin");
        return new Principal(tenant, Optional.of(user), Optional.empty(), Principal.Role.ADMIN, false, List.of());
    }

    @Test
    void aKeyActsAsAnEditorOfItsTenantWithinItsScopesAndOnlyItsDigestIsKept() {
        ApiKeys.Created created = keys.create(admin, "ci", SCOPES, 0, ORIGIN);

        Principal principal = keys.authenticate(created.key());

        assertThat(principal.tenantId()).isEqualTo(admin.tenantId());
        assertThat(principal.apiKeyId()).contains(created.id());
        assertThat(principal.role()).isEqualTo(Principal.Role.EDITOR);
        assertThat(principal.scopes()).containsExactlyElementsOf(SCOPES);
        String secret = created.key().substring(created.key().length() - 43);
        String stored =
                jdbi.withHandle(h -> h.createQuery("SELECT secret_sha256 FROM identity.tenant_api_keys WHERE id = :id")
                        .bind("id", created.id())
                        .mapTo(String.class)
                        .one());
        assertThat(stored).isEqualTo(Secrets.sha256(secret)).doesNotContain(secret);
    }

    @Test
    void aWrongSecretAnUnknownIdAndAMalformedKeyAreRefusedAlike() {
        ApiKeys.Created created = keys.create(admin, "ci", SCOPES, 0, ORIGIN);
        String wrongSecret = created.key().substring(0, created.key().length() - 1)
                + (created.key().endsWith("A") ? "B" : "A");
        String unknownId = "frk_key_0000000000000000_"
                + created.key().substring(created.key().length() - 43);

        for (String presented : List.of(wrongSecret, unknownId, "frk_nonsense")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.authenticate(presented))
                    .isInstanceOf(Problem.class)
                    .hasMessage("the API key is not valid");
        }
    }

    @Test
    void anExpiredKeyIsRefused() {
        ApiKeys.Created created = keys.create(admin, "ci", SCOPES, 1, ORIGIN);
        clock.advance(Duration.ofDays(1).plusSeconds(1));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.authenticate(created.key()))
                .hasMessage("the API key has expired");
    }

    @Test
    void aRotatedKeyWorksThroughItsGracePeriodAndItsSuccessorAfter() {
        ApiKeys.Created old = keys.create(admin, "ci", SCOPES, 0, ORIGIN);

        ApiKeys.Rotated rotated = keys.rotate(admin, old.id(), 2, ORIGIN);

        assertThat(rotated.successor().scopes()).isEqualTo(SCOPES);
        assertThat(keys.authenticate(old.key()).apiKeyId()).contains(old.id());
        clock.advance(Duration.ofHours(2).plusSeconds(1));
        assertThat(status(() -> keys.authenticate(old.key()))).isEqualTo(401);
        assertThat(keys.authenticate(rotated.successor().key()).apiKeyId())
                .contains(rotated.successor().id());
        assertThat(status(() -> keys.rotate(admin, old.id(), 2, ORIGIN))).isEqualTo(404);
    }

    @Test
    void aRevokedKeyStopsAtOnce() {
        ApiKeys.Created created = keys.create(admin, "ci", SCOPES, 0, ORIGIN);

        keys.revoke(admin, created.id(), ORIGIN);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.authenticate(created.key()))
                .hasMessage("the API key was revoked");
        assertThat(status(() -> keys.revoke(admin, created.id(), ORIGIN))).isEqualTo(404);
    }

    @Test
    void aTenantListsRotatesAndRevokesOnlyItsOwnKeys() {
        ApiKeys.Created mine = keys.create(admin, "mine", SCOPES, 0, ORIGIN);
        Principal other = admin(TestingTenants.tenant(jdbi, "free"));

        assertThat(keys.list(other)).isEmpty();
        assertThat(status(() -> keys.rotate(other, mine.id(), 1, ORIGIN))).isEqualTo(404);
        assertThat(status(() -> keys.revoke(other, mine.id(), ORIGIN))).isEqualTo(404);
        assertThat(keys.list(admin)).extracting(ApiKeys.Key::id).containsExactly(mine.id());
        assertThat(keys.authenticate(mine.key()).tenantId()).isEqualTo(admin.tenantId());
    }

    @Test
    void onlyAUsersAdminManagesKeys() {
        Principal editor = new Principal(
                admin.tenantId(), admin.userId(), Optional.empty(), Principal.Role.EDITOR, false, List.of());
        Principal key = new Principal(
                admin.tenantId(), Optional.empty(), Optional.of("key_x"), Principal.Role.EDITOR, false, List.of());

        assertThat(status(() -> keys.create(editor, "x", SCOPES, 0, ORIGIN))).isEqualTo(403);
        assertThat(status(() -> keys.list(key))).isEqualTo(403);
    }
}
