package ir.flatrender.gateway.identity;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The second factor's tables: {@code identity.mfa_factors} (the TOTP secret sealed), {@code
 * mfa_recovery_codes} (digests), {@code mfa_challenges} (digests), and the user's MFA lockout.
 */
@RegisterConstructorMapper(MfaDao.SealedFactor.class)
@RegisterConstructorMapper(MfaDao.ChallengeRow.class)
public interface MfaDao {
    /** A factor as stored: its secret sealed with {@code "mfa:" + id}. */
    record SealedFactor(UUID id, String secretEncrypted, long lastUsedStep) {}

    /** A challenge after one more try was counted on it. */
    record ChallengeRow(UUID id, UUID userId, int attempts, OffsetDateTime expiresAt, OffsetDateTime usedAt) {}

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM identity.mfa_factors WHERE user_id = :u AND confirmed_at IS NOT NULL)")
    boolean enrolled(@Bind("u") UUID userId);

    @SqlUpdate("""
            INSERT INTO identity.mfa_challenges (user_id, token_sha256, expires_at)
            VALUES (:u, :digest, :expires)
            """)
    void insertChallenge(
            @Bind("u") UUID userId, @Bind("digest") String digest, @Bind("expires") OffsetDateTime expiresAt);

    @SqlQuery("SELECT email FROM identity.users WHERE id = :u")
    String email(@Bind("u") UUID userId);

    @SqlUpdate("DELETE FROM identity.mfa_factors WHERE user_id = :u AND confirmed_at IS NULL")
    void deleteUnconfirmed(@Bind("u") UUID userId);

    @SqlUpdate("INSERT INTO identity.mfa_factors (id, user_id, secret_encrypted) VALUES (:id, :u, :secret)")
    void insertFactor(@Bind("id") UUID id, @Bind("u") UUID userId, @Bind("secret") String sealedSecret);

    @SqlQuery("""
            SELECT id, secret_encrypted, last_used_step FROM identity.mfa_factors
            WHERE user_id = :u AND confirmed_at IS NOT NULL ORDER BY created_at DESC LIMIT 1
            """)
    Optional<SealedFactor> confirmedFactor(@Bind("u") UUID userId);

    @SqlQuery("""
            SELECT id, secret_encrypted, last_used_step FROM identity.mfa_factors
            WHERE user_id = :u AND confirmed_at IS NULL ORDER BY created_at DESC LIMIT 1
            """)
    Optional<SealedFactor> pendingFactor(@Bind("u") UUID userId);

    /** Moves only forward, so two requests with one code cannot both pass; answers 1 when it moved. */
    @SqlUpdate("UPDATE identity.mfa_factors SET last_used_step = :step WHERE id = :id AND last_used_step < :step")
    int useStep(@Bind("id") UUID factorId, @Bind("step") long step);

    /** Counts a try unless the factor is locked (answers 0 then); locks it at {@code max}. */
    @SqlUpdate("""
            UPDATE identity.users
            SET mfa_failures = CASE WHEN mfa_locked_until <= :now THEN 1 ELSE mfa_failures + 1 END,
                mfa_locked_until = CASE
                    WHEN (CASE WHEN mfa_locked_until <= :now THEN 1 ELSE mfa_failures + 1 END) >= :max
                        THEN :until
                    ELSE NULL END
            WHERE id = :id AND (mfa_locked_until IS NULL OR mfa_locked_until <= :now)
            """)
    int countTry(
            @Bind("id") UUID userId,
            @Bind("now") OffsetDateTime now,
            @Bind("max") int max,
            @Bind("until") OffsetDateTime until);

    @SqlUpdate("UPDATE identity.users SET mfa_failures = 0, mfa_locked_until = NULL WHERE id = :id")
    void clearFailures(@Bind("id") UUID userId);

    @SqlUpdate("UPDATE identity.mfa_factors SET confirmed_at = now() WHERE id = :id")
    void confirm(@Bind("id") UUID factorId);

    @SqlUpdate("INSERT INTO identity.mfa_recovery_codes (factor_id, code_sha256) VALUES (:f, :digest)")
    void insertRecoveryCode(@Bind("f") UUID factorId, @Bind("digest") String digest);

    @SqlUpdate("""
            UPDATE identity.mfa_recovery_codes SET used_at = now()
            WHERE factor_id = :f AND code_sha256 = :digest AND used_at IS NULL
            """)
    int useRecoveryCode(@Bind("f") UUID factorId, @Bind("digest") String digest);

    @SqlQuery("""
            UPDATE identity.mfa_challenges SET attempts = attempts + 1
            WHERE token_sha256 = :digest
            RETURNING id, user_id, attempts, expires_at, used_at
            """)
    Optional<ChallengeRow> tryChallenge(@Bind("digest") String digest);

    @SqlUpdate("UPDATE identity.mfa_challenges SET used_at = now() WHERE id = :id AND used_at IS NULL")
    int useChallenge(@Bind("id") UUID challengeId);
}
