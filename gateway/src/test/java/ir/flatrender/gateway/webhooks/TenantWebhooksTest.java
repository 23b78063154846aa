package ir.flatrender.gateway.webhooks;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tenant's webhooks, their limit, their managers and their tenant's walls, against the real database. */
class TenantWebhooksTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");
    private static final List<String> EVENTS = List.of("render.succeeded");

    private Jdbi jdbi;
    private SecretBox secrets;
    private TenantWebhooks webhooks;
    private Principal admin;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void webhooks() {
        jdbi = postgres.database().jdbi();
        secrets = new SecretBox(SecretBox.generateKey());
        webhooks = new TenantWebhooks(jdbi, secrets, JSON);
        admin = user(TestingTenants.tenant(jdbi, "free"), Principal.Role.ADMIN);
    }

    private Principal user(UUID tenant, Principal.Role role) {
        UUID user = TestingTenants.user(jdbi, role.dbName());
        return new Principal(tenant, Optional.of(user), Optional.empty(), role, false, List.of());
    }

    @Test
    void aWebhooksSecretIsShownOnceAndKeptSealed() {
        TenantWebhooks.Created created = webhooks.create(admin, "https://hooks.example.com/a", EVENTS, ORIGIN);

        String sealed = jdbi.withHandle(
                h -> h.createQuery("SELECT secret_encrypted FROM identity.tenant_webhooks WHERE id = :id")
                        .bind("id", created.id())
                        .mapTo(String.class)
                        .one());
        assertThat(sealed).doesNotContain(created.secret());
        assertThat(secrets.open(sealed, "webhook:" + created.id())).isEqualTo(created.secret());
        assertThat(webhooks.list(admin)).singleElement().satisfies(w -> {
            assertThat(w.url()).isEqualTo("https://hooks.example.com/a");
            assertThat(w.events()).containsExactly("render.succeeded");
            assertThat(w.enabled()).isTrue();
        });
    }

    @Test
    void aTenantHasAtMostTenWebhooks() {
        for (int i = 0; i < TenantWebhooks.MAX_PER_TENANT; i++) {
            webhooks.create(admin, "https://hooks.example.com/" + i, EVENTS, ORIGIN);
        }

        assertThat(status(() -> webhooks.create(admin, "https://hooks.example.com/x", EVENTS, ORIGIN)))
                .isEqualTo(409);
        assertThat(webhooks.list(admin)).hasSize(TenantWebhooks.MAX_PER_TENANT);
    }

    @Test
    void anotherTenantNeitherSeesNorTouchesAWebhook() {
        TenantWebhooks.Created created = webhooks.create(admin, "https://hooks.example.com/a", EVENTS, ORIGIN);
        Principal other = user(TestingTenants.tenant(jdbi, "free"), Principal.Role.OWNER);

        assertThat(webhooks.list(other)).isEmpty();
        assertThat(status(() -> webhooks.deliveries(other, created.id()))).isEqualTo(404);
        assertThat(status(() -> webhooks.enable(other, created.id()))).isEqualTo(404);
        assertThat(status(() -> webhooks.delete(other, created.id()))).isEqualTo(404);
        assertThat(webhooks.deliveries(admin, created.id())).isEmpty();
        webhooks.delete(admin, created.id());
        assertThat(webhooks.list(admin)).isEmpty();
    }

    @Test
    void anEditorMayNotAndAnApiKeyNeedsTheWebhooksWriteScope() {
        Principal editor = user(admin.tenantId(), Principal.Role.EDITOR);
        Principal reader = new Principal(
                admin.tenantId(),
                Optional.empty(),
                Optional.of("key_r"),
                Principal.Role.EDITOR,
                false,
                List.of("renders:read"));
        Principal writer = new Principal(
                admin.tenantId(),
                Optional.empty(),
                Optional.of("key_w"),
                Principal.Role.EDITOR,
                false,
                List.of("webhooks:write"));

        assertThat(status(() -> webhooks.list(editor))).isEqualTo(403);
        assertThat(status(() -> webhooks.list(reader))).isEqualTo(403);
        assertThat(webhooks.create(writer, "https://hooks.example.com/k", EVENTS, ORIGIN)
                        .id())
                .startsWith("wh_");
    }
}
