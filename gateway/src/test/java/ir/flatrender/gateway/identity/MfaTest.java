package ir.flatrender.gateway.identity;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingClock;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.migrations.testing.TestingPostgres;
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

/** TOTP enrolment, the login's second step, recovery codes and the factor's lockout against the real database. */
class MfaTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");
    private static final String PASSWORD = "correct horse battery";

    private TestingClock clock;
    private Mfa mfa;
    private Accounts accounts;
    private String email;
    private Principal user;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void signedUp() {
        Jdbi jdbi = postgres.database().jdbi();
        clock = new TestingClock(Instant.now());
        mfa = new Mfa(jdbi, new SecretBox(SecretBox.generateKey()), JSON, clock);
        accounts = AccountsTest.accounts(jdbi, AccountsTest.tokens(clock), mfa, clock);
        email = "user-" + UUID.randomUUID() + "@example.com";
        Accounts.Member member =
                accounts.signup(email, PASSWORD, "Sara", "Studio", ORIGIN).member();
        user = new Principal(
                member.tenantId(),
                Optional.of(member.userId()),
                Optional.empty(),
                Principal.Role.OWNER,
                false,
                List.of());
    }

    private String code(String secret) {
        return Totp.code(secret, clock.instant().getEpochSecond());
    }

    /** Enrols and confirms a factor; answers its secret and the recovery codes. */
    private Map.Entry<String, List<String>> enrolled() {
        Mfa.Enrolment enrolment = mfa.enrol(user.user());
        List<String> recovery = mfa.confirm(user, code(enrolment.secret()), ORIGIN);
        clock.advance(Duration.ofSeconds(Totp.PERIOD_SECONDS));
        return Map.entry(enrolment.secret(), recovery);
    }

    private String challenge() {
        Accounts.Login login = accounts.login(email, PASSWORD, Optional.empty(), ORIGIN);
        assertThat(login.session()).isEmpty();
        return login.challenge().orElseThrow().token();
    }

    @Test
    void aConfirmedFactorTurnsARightPasswordIntoAChallengeThatARightCodePasses() {
        String secret = enrolled().getKey();

        Mfa.Passed passed = mfa.verify(challenge(), Optional.of(code(secret)), Optional.empty());

        assertThat(passed.userId()).isEqualTo(user.user());
        assertThat(passed.action()).isEqualTo("user.logged_in");
    }

    @Test
    void anUnconfirmedFactorAsksForNoSecondStepAndTakesNoWrongCode() {
        Mfa.Enrolment enrolment = mfa.enrol(user.user());
        assertThat(accounts.login(email, PASSWORD, Optional.empty(), ORIGIN).session())
                .isPresent();

        assertThatThrownBy(() ->
                        mfa.confirm(user, "000000".equals(code(enrolment.secret())) ? "111111" : "000000", ORIGIN))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(401));
        assertThat(mfa.enrolled(user.user())).isFalse();
    }

    @Test
    void aFactorIsEnrolledOnce() {
        enrolled();

        assertThat(status(() -> mfa.enrol(user.user()))).isEqualTo(409);
    }

    @Test
    void aCodeIsGoodOnce() {
        String secret = enrolled().getKey();
        String code = code(secret);
        mfa.verify(challenge(), Optional.of(code), Optional.empty());

        assertThat(status(() -> mfa.verify(challenge(), Optional.of(code), Optional.empty())))
                .isEqualTo(401);
    }

    @Test
    void aRecoveryCodeIsGoodOnce() {
        String recovery = enrolled().getValue().get(0);

        assertThat(mfa.verify(challenge(), Optional.empty(), Optional.of(recovery))
                        .action())
                .isEqualTo("user.logged_in_with_recovery_code");
        assertThat(status(() -> mfa.verify(challenge(), Optional.empty(), Optional.of(recovery))))
                .isEqualTo(401);
    }

    @Test
    void aChallengeIsGoodOnce() {
        String secret = enrolled().getKey();
        String token = challenge();
        mfa.verify(token, Optional.of(code(secret)), Optional.empty());
        clock.advance(Duration.ofSeconds(Totp.PERIOD_SECONDS));

        assertThat(status(() -> mfa.verify(token, Optional.of(code(secret)), Optional.empty())))
                .isEqualTo(401);
    }

    @Test
    void wrongCodesOverManyChallengesLockTheFactorUntilTheLockoutEnds() {
        String secret = enrolled().getKey();
        String wrong = code(secret).equals("000000") ? "111111" : "000000";
        for (int i = 0; i < Mfa.MAX_MFA_FAILURES; i++) {
            String token = challenge();
            assertThat(status(() -> mfa.verify(token, Optional.of(wrong), Optional.empty())))
                    .isEqualTo(401);
        }

        assertThat(status(() -> mfa.verify(challenge(), Optional.of(code(secret)), Optional.empty())))
                .isEqualTo(429);

        clock.advance(Mfa.MFA_LOCKOUT.plusSeconds(1));
        assertThat(mfa.verify(challenge(), Optional.of(code(secret)), Optional.empty())
                        .userId())
                .isEqualTo(user.user());
    }

    @Test
    void anExpiredChallengeIsRefused() {
        String secret = enrolled().getKey();
        String token = challenge();
        clock.advance(Mfa.CHALLENGE_LIFETIME.plusSeconds(1));

        assertThatThrownBy(() -> mfa.verify(token, Optional.of(code(secret)), Optional.empty()))
                .hasMessageContaining("expired");
    }
}
