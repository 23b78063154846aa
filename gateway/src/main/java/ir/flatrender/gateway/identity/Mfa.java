package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * TOTP as a second factor. Enrolment gives a secret and its otpauth URI; confirming it with a
 * code turns it on and answers ten one-time recovery codes (shown once, kept as digests). From
 * then on a right password answers a short-lived challenge, and only a TOTP code or a recovery
 * code for it passes. A code is good once; a challenge takes five tries; five wrong codes over
 * all of a user's challenges lock the factor for {@link #MFA_LOCKOUT}.
 */
public final class Mfa {
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    static final int CHALLENGE_ATTEMPTS = 5;
    /** Wrong codes a user may send, over all their logins, before the factor is locked. */
    static final int MAX_MFA_FAILURES = 5;

    static final Duration MFA_LOCKOUT = Duration.ofMinutes(15);
    private static final String ISSUER = "FlatRender";

    /** A challenge a right password answers: its token (shown once) and lifetime. */
    public record Challenge(String token, Duration expiresIn) {}

    /** A new, unconfirmed factor: its secret (shown once) and otpauth URI. */
    public record Enrolment(UUID factorId, String secret, String otpauthUri) {}

    /** Who passed a challenge, and the audit action it is recorded as. */
    public record Passed(UUID userId, String action) {}

    private record Factor(UUID id, String secret, long lastUsedStep) {}

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final ObjectMapper json;
    private final Clock clock;

    public Mfa(Jdbi jdbi, SecretBox secrets, ObjectMapper json, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public boolean enrolled(UUID userId) {
        return jdbi.withExtension(MfaDao.class, m -> m.enrolled(userId));
    }

    public Challenge challenge(UUID userId) {
        String token = Secrets.generate("frm_");
        jdbi.useExtension(
                MfaDao.class,
                m -> m.insertChallenge(
                        userId,
                        Secrets.sha256(token),
                        OffsetDateTime.ofInstant(clock.instant().plus(CHALLENGE_LIFETIME), ZoneOffset.UTC)));
        return new Challenge(token, CHALLENGE_LIFETIME);
    }

    /** A new factor waiting for its first code (replacing one that waited); 409 when one is on already. */
    public Enrolment enrol(UUID user) {
        if (enrolled(user)) {
            throw Problem.conflict("mfa-enrolled", "a TOTP factor is on already");
        }
        String secret = Totp.newSecret();
        String email = jdbi.withExtension(MfaDao.class, m -> m.email(user));
        UUID factor = jdbi.inTransaction(handle -> {
            MfaDao mfa = handle.attach(MfaDao.class);
            mfa.deleteUnconfirmed(user);
            UUID id = UUID.randomUUID();
            mfa.insertFactor(id, user, secrets.seal(secret, "mfa:" + id));
            return id;
        });
        return new Enrolment(factor, secret, Totp.uri(ISSUER, email, secret));
    }

    private Optional<Factor> factor(UUID user, boolean confirmed) {
        return jdbi.withExtension(MfaDao.class, m -> confirmed ? m.confirmedFactor(user) : m.pendingFactor(user))
                .map(f -> new Factor(f.id(), secrets.open(f.secretEncrypted(), "mfa:" + f.id()), f.lastUsedStep()));
    }

    /** Takes the code if it is right and newer than the last one used; answers whether it did. */
    private boolean useCode(Factor factor, String code) {
        OptionalLong step = Totp.verify(factor.secret(), code, clock.instant().getEpochSecond(), factor.lastUsedStep());
        if (step.isEmpty()) {
            return false;
        }
        return jdbi.withExtension(MfaDao.class, m -> m.useStep(factor.id(), step.getAsLong())) == 1;
    }

    /**
     * Counts a try at the user's second factor before the code is checked, across challenges:
     * a fresh login gives a new challenge, not new tries. Past {@value #MAX_MFA_FAILURES} without
     * a right code (the last of them still checked), the factor is locked for {@link #MFA_LOCKOUT} (429).
     */
    private void countTry(UUID user) {
        Instant now = clock.instant();
        boolean counted = jdbi.withExtension(
                        MfaDao.class,
                        m -> m.countTry(
                                user,
                                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                                MAX_MFA_FAILURES,
                                OffsetDateTime.ofInstant(now.plus(MFA_LOCKOUT), ZoneOffset.UTC)))
                == 1;
        if (!counted) {
            throw Problem.tooMany("too many wrong codes for this account; try again later", MFA_LOCKOUT.toSeconds());
        }
    }

    private static Problem wrongCode() {
        return Problem.of(401, "invalid-mfa-code", "Wrong code", "the code is wrong, or was used already");
    }

    /** Turns the waiting factor on with its first code; answers the ten recovery codes (409, 401). */
    public List<String> confirm(Principal principal, String code, AuditLog.Origin origin) {
        UUID user = principal.user();
        Factor factor = factor(user, false)
                .orElseThrow(() -> Problem.conflict("mfa-not-enrolling", "no TOTP enrolment is waiting; start one"));
        if (!useCode(factor, code)) {
            throw wrongCode();
        }
        List<String> codes = Totp.recoveryCodes(10);
        jdbi.useTransaction(handle -> {
            MfaDao mfa = handle.attach(MfaDao.class);
            mfa.confirm(factor.id());
            for (String recovery : codes) {
                mfa.insertRecoveryCode(factor.id(), Secrets.sha256(Totp.normalizeRecoveryCode(recovery)));
            }
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "mfa.enabled",
                    "user:" + user,
                    json.createObjectNode(),
                    origin.requestId(),
                    origin.ip());
        });
        return codes;
    }

    /**
     * Passes a challenge with a TOTP code or (when {@code code} is empty) a recovery code; 401
     * for a bad, expired or used token or a wrong code, 429 while the factor is locked.
     */
    public Passed verify(String token, Optional<String> code, Optional<String> recovery) {
        MfaDao.ChallengeRow challenge = jdbi.withExtension(MfaDao.class, m -> m.tryChallenge(Secrets.sha256(token)))
                .orElseThrow(() -> Problem.unauthorized("the MFA token is not valid; log in again"));
        if (challenge.usedAt() != null || challenge.expiresAt().toInstant().isBefore(clock.instant())) {
            throw Problem.unauthorized("the MFA token has expired; log in again");
        }
        if (challenge.attempts() > CHALLENGE_ATTEMPTS) {
            throw Problem.unauthorized("too many wrong codes; log in again");
        }
        Factor factor = factor(challenge.userId(), true)
                .orElseThrow(() -> Problem.unauthorized("the MFA token is not valid; log in again"));
        countTry(challenge.userId());
        boolean passed;
        String action;
        if (code.isPresent()) {
            passed = useCode(factor, code.get());
            action = "user.logged_in";
        } else {
            String digest = Secrets.sha256(Totp.normalizeRecoveryCode(recovery.orElseThrow()));
            passed = jdbi.withExtension(MfaDao.class, m -> m.useRecoveryCode(factor.id(), digest)) == 1;
            action = "user.logged_in_with_recovery_code";
        }
        if (!passed) {
            throw wrongCode();
        }
        if (jdbi.withExtension(MfaDao.class, m -> m.useChallenge(challenge.id())) == 0) {
            throw Problem.unauthorized("the MFA token has expired; log in again");
        }
        jdbi.useExtension(MfaDao.class, m -> m.clearFailures(challenge.userId()));
        return new Passed(challenge.userId(), action);
    }
}
