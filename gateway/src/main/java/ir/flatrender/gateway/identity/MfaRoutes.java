package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import java.time.Clock;
import java.time.Duration;
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
 * code for it answers a session. A code is good once; a challenge takes five tries.
 */
final class MfaRoutes {
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    static final int CHALLENGE_ATTEMPTS = 5;
    /** Wrong codes a user may send, over all their logins, before the factor is locked. */
    static final int MAX_MFA_FAILURES = 5;

    static final java.time.Duration MFA_LOCKOUT = java.time.Duration.ofMinutes(15);
    private static final String ISSUER = "FlatRender";

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final AuthRoutes auth;
    private final ObjectMapper json;
    private final Clock clock;

    MfaRoutes(Jdbi jdbi, SecretBox secrets, AuthRoutes auth, ObjectMapper json, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(RouteTable routes) {
        routes.post("/v1/auth/mfa/totp", this::enrol);
        routes.post("/v1/auth/mfa/totp/confirm", this::confirm);
        routes.post("/v1/auth/mfa/verify", this::verify);
    }

    boolean enrolled(UUID userId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM identity.mfa_factors WHERE user_id = :u AND confirmed_at IS NOT NULL)")
                .bind("u", userId)
                .mapTo(Boolean.class)
                .one());
    }

    ObjectNode challenge(UUID userId) {
        String token = Secrets.generate("frm_");
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO identity.mfa_challenges (user_id, token_sha256, expires_at)
                        VALUES (:u, :digest, :expires)
                        """)
                .bind("u", userId)
                .bind("digest", Secrets.sha256(token))
                .bind("expires", OffsetDateTime.ofInstant(clock.instant().plus(CHALLENGE_LIFETIME), ZoneOffset.UTC))
                .execute());
        ObjectNode out = json.createObjectNode();
        out.put("mfa_required", true);
        out.put("mfa_token", token);
        out.put("expires_in", CHALLENGE_LIFETIME.toSeconds());
        return out;
    }

    private void enrol(Context ctx) {
        Principal principal = Requests.principal(ctx);
        UUID user = principal.user();
        if (enrolled(user)) {
            throw Problem.conflict("mfa-enrolled", "a TOTP factor is on already");
        }
        String secret = Totp.newSecret();
        String email = jdbi.withHandle(handle -> handle.createQuery("SELECT email FROM identity.users WHERE id = :u")
                .bind("u", user)
                .mapTo(String.class)
                .one());
        UUID factor = jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM identity.mfa_factors WHERE user_id = :u AND confirmed_at IS NULL")
                    .bind("u", user)
                    .execute();
            UUID id = UUID.randomUUID();
            handle.createUpdate("""
                            INSERT INTO identity.mfa_factors (id, user_id, secret_encrypted) VALUES (:id, :u, :secret)
                            """)
                    .bind("id", id)
                    .bind("u", user)
                    .bind("secret", secrets.seal(secret, "mfa:" + id))
                    .execute();
            return id;
        });
        ObjectNode out = json.createObjectNode();
        out.put("factor_id", factor.toString());
        out.put("secret", secret);
        out.put("otpauth_uri", Totp.uri(ISSUER, email, secret));
        ctx.status(201).json(out);
    }

    private record Factor(UUID id, String secret, long lastUsedStep) {}

    private Optional<Factor> factor(UUID user, boolean confirmed) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, secret_encrypted, last_used_step FROM identity.mfa_factors WHERE user_id = :u AND "
                                + (confirmed ? "confirmed_at IS NOT NULL" : "confirmed_at IS NULL")
                                + " ORDER BY created_at DESC LIMIT 1")
                .bind("u", user)
                .map((rs, c) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    return new Factor(
                            id,
                            secrets.open(rs.getString("secret_encrypted"), "mfa:" + id),
                            rs.getLong("last_used_step"));
                })
                .findOne());
    }

    /** Takes the code if it is right and newer than the last one used; answers whether it did. */
    private boolean useCode(Factor factor, String code) {
        OptionalLong step = Totp.verify(factor.secret(), code, clock.instant().getEpochSecond(), factor.lastUsedStep());
        if (step.isEmpty()) {
            return false;
        }
        // Moves only forward, so two requests with one code cannot both pass.
        return jdbi.withHandle(handle -> handle.createUpdate("""
                                UPDATE identity.mfa_factors SET last_used_step = :step
                                WHERE id = :id AND last_used_step < :step
                                """)
                        .bind("step", step.getAsLong())
                        .bind("id", factor.id())
                        .execute())
                == 1;
    }

    /**
     * Counts a try at the user's second factor before the code is checked, across challenges:
     * a fresh login gives a new challenge, not new tries. Past {@value #MAX_MFA_FAILURES} without
     * a right code (the last of them still checked), the factor is locked for {@link #MFA_LOCKOUT} (429).
     */
    private void countTry(UUID user) {
        java.time.Instant now = clock.instant();
        boolean counted = jdbi.withHandle(handle -> handle.createUpdate("""
                                UPDATE identity.users
                                SET mfa_failures = CASE WHEN mfa_locked_until <= :now THEN 1 ELSE mfa_failures + 1 END,
                                    mfa_locked_until = CASE
                                        WHEN (CASE WHEN mfa_locked_until <= :now THEN 1 ELSE mfa_failures + 1 END) >= :max
                                            THEN :until
                                        ELSE NULL END
                                WHERE id = :id AND (mfa_locked_until IS NULL OR mfa_locked_until <= :now)
                                """)
                        .bind("now", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
                        .bind("max", MAX_MFA_FAILURES)
                        .bind("until", OffsetDateTime.ofInstant(now.plus(MFA_LOCKOUT), java.time.ZoneOffset.UTC))
                        .bind("id", user)
                        .execute())
                == 1;
        if (!counted) {
            throw Problem.tooMany("too many wrong codes for this account; try again later", MFA_LOCKOUT.toSeconds());
        }
    }

    private static Problem wrongCode() {
        return Problem.of(401, "invalid-mfa-code", "Wrong code", "the code is wrong, or was used already");
    }

    private void confirm(Context ctx) {
        Principal principal = Requests.principal(ctx);
        UUID user = principal.user();
        RequestBodies body = RequestBodies.read(ctx, json);
        String code = body.string("code", 10);
        body.check();
        Factor factor = factor(user, false)
                .orElseThrow(() -> Problem.conflict("mfa-not-enrolling", "no TOTP enrolment is waiting; start one"));
        if (!useCode(factor, code)) {
            throw wrongCode();
        }
        List<String> codes = Totp.recoveryCodes(10);
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE identity.mfa_factors SET confirmed_at = now() WHERE id = :id")
                    .bind("id", factor.id())
                    .execute();
            for (String recovery : codes) {
                handle.createUpdate(
                                "INSERT INTO identity.mfa_recovery_codes (factor_id, code_sha256) VALUES (:f, :digest)")
                        .bind("f", factor.id())
                        .bind("digest", Secrets.sha256(Totp.normalizeRecoveryCode(recovery)))
                        .execute();
            }
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "mfa.enabled",
                    "user:" + user,
                    json.createObjectNode(),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
        });
        ObjectNode out = json.createObjectNode();
        out.put("enabled", true);
        out.set("recovery_codes", json.valueToTree(codes));
        ctx.json(out);
    }

    private void verify(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("mfa_token", 200);
        Optional<String> code = body.optionalString("code", 10);
        Optional<String> recovery = body.optionalString("recovery_code", 40);
        if (code.isEmpty() && recovery.isEmpty()) {
            body.error("code", "a code (or a recovery_code) is required");
        }
        body.check();
        record Challenge(UUID id, UUID user, int attempts, OffsetDateTime expires, OffsetDateTime used) {}
        Challenge challenge = jdbi.withHandle(handle -> handle.createQuery("""
                                UPDATE identity.mfa_challenges SET attempts = attempts + 1
                                WHERE token_sha256 = :digest
                                RETURNING id, user_id, attempts, expires_at, used_at
                                """)
                        .bind("digest", Secrets.sha256(token))
                        .map((rs, c) -> new Challenge(
                                rs.getObject("id", UUID.class),
                                rs.getObject("user_id", UUID.class),
                                rs.getInt("attempts"),
                                rs.getObject("expires_at", OffsetDateTime.class),
                                rs.getObject("used_at", OffsetDateTime.class)))
                        .findOne())
                .orElseThrow(() -> Problem.unauthorized("the MFA token is not valid; log in again"));
        if (challenge.used() != null || challenge.expires().toInstant().isBefore(clock.instant())) {
            throw Problem.unauthorized("the MFA token has expired; log in again");
        }
        if (challenge.attempts() > CHALLENGE_ATTEMPTS) {
            throw Problem.unauthorized("too many wrong codes; log in again");
        }
        Factor factor = factor(challenge.user(), true)
                .orElseThrow(() -> Problem.unauthorized("the MFA token is not valid; log in again"));
        countTry(challenge.user());
        boolean passed;
        String action;
        if (code.isPresent()) {
            passed = useCode(factor, code.get());
            action = "user.logged_in";
        } else {
            passed = jdbi.withHandle(handle -> handle.createUpdate("""
                                    UPDATE identity.mfa_recovery_codes SET used_at = now()
                                    WHERE factor_id = :f AND code_sha256 = :digest AND used_at IS NULL
                                    """)
                            .bind("f", factor.id())
                            .bind("digest", Secrets.sha256(Totp.normalizeRecoveryCode(recovery.get())))
                            .execute())
                    == 1;
            action = "user.logged_in_with_recovery_code";
        }
        if (!passed) {
            throw wrongCode();
        }
        int taken = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE identity.mfa_challenges SET used_at = now() WHERE id = :id AND used_at IS NULL")
                .bind("id", challenge.id())
                .execute());
        if (taken == 0) {
            throw Problem.unauthorized("the MFA token has expired; log in again");
        }
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE identity.users SET mfa_failures = 0, mfa_locked_until = NULL WHERE id = :id")
                .bind("id", challenge.user())
                .execute());
        ctx.json(auth.sessionFor(challenge.user(), Optional.empty(), ctx, action));
    }
}
