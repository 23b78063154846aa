package ir.flatrender.gateway.identity;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingClock;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sign-up, login with its lockout, refresh-token rotation and logout against the real database. */
class AccountsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");
    private static final String PASSWORD = "correct horse battery";

    private Jdbi jdbi;
    private TestingClock clock;
    private AccessTokens tokens;
    private Accounts accounts;
    private String email;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void accounts() {
        jdbi = postgres.database().jdbi();
        clock = new TestingClock(Instant.now());
        tokens = tokens(clock);
        accounts = accounts(jdbi, tokens, new Mfa(jdbi, new SecretBox(SecretBox.generateKey()), JSON, clock), clock);
        email = "user-" + UUID.randomUUID() + "@example.com";
    }

    /** Access tokens signed with a fresh key, good for 15 minutes. */
    static AccessTokens tokens(Clock clock) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new AccessTokens(Map.of("k", key), Duration.ofMinutes(15), clock);
    }

    /** Accounts whose refresh tokens are good for 30 days. */
    static Accounts accounts(Jdbi jdbi, AccessTokens tokens, Mfa mfa, Clock clock) {
        return new Accounts(
                jdbi,
                tokens,
                new PasswordChecks(PasswordChecks.Limits.DEFAULT),
                Duration.ofDays(30),
                mfa,
                new ObjectMapper(),
                clock);
    }

    private Accounts.Session login(String password) {
        return accounts.login(email, password, Optional.empty(), ORIGIN)
                .session()
                .orElseThrow();
    }

    @Test
    void aSignUpOwnsANewTenantAndItsSessionIsThatTenants() {
        Accounts.Session session = accounts.signup(email, PASSWORD, "Sara", "Sara's Studio", ORIGIN);

        assertThat(session.member().role()).isEqualTo("owner");
        Principal principal = tokens.verify(session.accessToken());
        assertThat(principal.tenantId()).isEqualTo(session.member().tenantId());
        assertThat(principal.role()).isEqualTo(Principal.Role.OWNER);
        String slug = jdbi.withHandle(h -> h.createQuery("SELECT slug FROM identity.tenants WHERE id = :t")
                .bind("t", session.member().tenantId())
                .mapTo(String.class)
                .one());
        assertThat(slug).startsWith("sara-s-studio-");
        assertThat(login(PASSWORD).member()).isEqualTo(session.member());
    }

    @Test
    void anEmailSignsUpOnceWhateverItsCase() {
        accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);

        assertThatThrownBy(() -> accounts.signup(email.toUpperCase(), PASSWORD, "Sara", "Studio", ORIGIN))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.type()).endsWith("email-taken"));
        assertThat(login(PASSWORD)).isNotNull();
    }

    @Test
    void fiveWrongPasswordsLockTheAccountEvenAgainstTheRightOneUntilTheLockoutEnds() {
        accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        for (int i = 0; i < Accounts.MAX_FAILED_LOGINS; i++) {
            assertThat(status(() -> login("wrong password"))).isEqualTo(401);
        }

        assertThat(status(() -> login(PASSWORD))).isEqualTo(429);

        clock.advance(Accounts.LOCKOUT.plusSeconds(1));
        assertThat(login(PASSWORD)).isNotNull();
    }

    @Test
    void aRightPasswordClearsTheFailedLogins() {
        accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < Accounts.MAX_FAILED_LOGINS - 1; i++) {
                assertThat(status(() -> login("wrong password"))).isEqualTo(401);
            }
            assertThat(login(PASSWORD)).isNotNull();
        }
    }

    @Test
    void anUnknownEmailAndAWrongPasswordAnswerAlike() {
        accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);

        assertThatThrownBy(() -> accounts.login("nobody@example.com", PASSWORD, Optional.empty(), ORIGIN))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(401))
                .hasMessage("the email or the password is wrong");
        assertThatThrownBy(() -> login("wrong password")).hasMessage("the email or the password is wrong");
    }

    @Test
    void aLoginIntoATenantOfWhichTheUserIsNoMemberIsForbidden() {
        accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        UUID other = TestingTenants.tenant(jdbi, "free");

        assertThat(status(() -> accounts.login(email, PASSWORD, Optional.of(other), ORIGIN)))
                .isEqualTo(403);
    }

    @Test
    void aRefreshTokenIsGoodOnceAndItsReuseRevokesTheWholeFamily() {
        Accounts.Session first = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        Accounts.Session second = accounts.refresh(first.refreshToken(), ORIGIN);
        assertThat(second.member()).isEqualTo(first.member());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        Accounts.Session third = accounts.refresh(second.refreshToken(), ORIGIN);

        // The answer to the first was used: whoever sends the first again holds a copy.
        assertThatThrownBy(() -> accounts.refresh(first.refreshToken(), ORIGIN)).hasMessageContaining("used twice");
        assertThatThrownBy(() -> accounts.refresh(third.refreshToken(), ORIGIN)).hasMessageContaining("revoked");
        assertThat(audit(first)).containsExactly("session.revoked");
        String revoked = jdbi.withHandle(h -> h.createQuery(
                        "SELECT details ->> 'reason' || ' ' || request_id || ' ' || host(ip) FROM identity.audit_log"
                                + " WHERE tenant_id = :t AND action = 'session.revoked'")
                .bind("t", first.member().tenantId())
                .mapTo(String.class)
                .one());
        assertThat(revoked).isEqualTo("a refresh token was used twice request-1 10.0.0.7");
    }

    @Test
    void aRepeatWhoseAnswerWasNeverUsedGetsANewTokenAndTheLostAnswerIsUsedUp() {
        Accounts.Session first = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        Accounts.Session lost = accounts.refresh(first.refreshToken(), ORIGIN);
        clock.advance(Accounts.REPEAT_GRACE.minusSeconds(1));

        Accounts.Session again = accounts.refresh(first.refreshToken(), ORIGIN);
        assertThat(again.member()).isEqualTo(first.member());
        assertThat(again.refreshToken()).isNotIn(first.refreshToken(), lost.refreshToken());
        Accounts.Session next = accounts.refresh(again.refreshToken(), ORIGIN);

        // The lost answer turning up after all means two holders: the session ends.
        assertThatThrownBy(() -> accounts.refresh(lost.refreshToken(), ORIGIN)).hasMessageContaining("used twice");
        assertThatThrownBy(() -> accounts.refresh(next.refreshToken(), ORIGIN)).hasMessageContaining("revoked");
        assertThat(audit(first)).containsExactly("session.refresh_repeated", "session.revoked");
    }

    @Test
    void aLateRepeatFromAPageThatLeftLeavesTheAnswerTheNextPageHasGood() {
        // Two pages' refreshes of one token crossed: the second page's was answered first.
        Accounts.Session first = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        Accounts.Session nextPage = accounts.refresh(first.refreshToken(), ORIGIN);
        Accounts.Session late = accounts.refresh(first.refreshToken(), ORIGIN);

        Accounts.Session after = accounts.refresh(nextPage.refreshToken(), ORIGIN);
        assertThat(after.member()).isEqualTo(first.member());
        // The late answer was used up by the other's use; it turning up means a second holder.
        assertThatThrownBy(() -> accounts.refresh(late.refreshToken(), ORIGIN)).hasMessageContaining("used twice");
        assertThatThrownBy(() -> accounts.refresh(after.refreshToken(), ORIGIN)).hasMessageContaining("revoked");
    }

    @Test
    void aRepeatAfterTheGraceRevokesTheWholeFamily() {
        Accounts.Session first = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        Accounts.Session second = accounts.refresh(first.refreshToken(), ORIGIN);
        clock.advance(Accounts.REPEAT_GRACE.plusSeconds(1));

        assertThatThrownBy(() -> accounts.refresh(first.refreshToken(), ORIGIN)).hasMessageContaining("used twice");
        assertThatThrownBy(() -> accounts.refresh(second.refreshToken(), ORIGIN))
                .hasMessageContaining("revoked");
    }

    /** The session's audit rows, oldest first. */
    private List<String> audit(Accounts.Session session) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT action FROM identity.audit_log WHERE tenant_id = :t AND action LIKE 'session.%' ORDER BY id")
                .bind("t", session.member().tenantId())
                .mapTo(String.class)
                .list());
    }

    @Test
    void anExpiredRefreshTokenIsRefused() {
        Accounts.Session session = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        clock.advance(Duration.ofDays(31));

        assertThatThrownBy(() -> accounts.refresh(session.refreshToken(), ORIGIN))
                .hasMessageContaining("expired");
    }

    @Test
    void aLogoutRevokesTheSessionsRefreshTokens() {
        Accounts.Session session = accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN);
        Accounts.Session refreshed = accounts.refresh(session.refreshToken(), ORIGIN);

        accounts.logout(refreshed.refreshToken());
        accounts.logout("frr_unknown");

        assertThat(status(() -> accounts.refresh(refreshed.refreshToken(), ORIGIN)))
                .isEqualTo(401);
    }
}
