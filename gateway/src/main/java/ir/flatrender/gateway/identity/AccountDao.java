package ir.flatrender.gateway.identity;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code identity.users} as accounts sign up and log in, their memberships, and their refresh
 * tokens ({@code identity.refresh_tokens}, kept as digests).
 */
@RegisterConstructorMapper(AccountDao.Account.class)
@RegisterConstructorMapper(Accounts.Member.class)
@RegisterConstructorMapper(AccountDao.RefreshToken.class)
public interface AccountDao {
    /** What a login checks. */
    record Account(UUID id, String passwordHash, String status, int failedLogins, OffsetDateTime lockedUntil) {}

    /**
     * A stored refresh token; {@code usedAt} and {@code revokedAt} are null while it is good, and
     * {@code parentId} is the token it was issued for (null for a login's first).
     */
    record RefreshToken(
            UUID id,
            UUID familyId,
            UUID parentId,
            UUID userId,
            UUID tenantId,
            OffsetDateTime expiresAt,
            OffsetDateTime usedAt,
            OffsetDateTime revokedAt) {}

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM identity.users WHERE lower(email) = :email)")
    boolean emailTaken(@Bind("email") String normalizedEmail);

    @SqlQuery("""
            INSERT INTO identity.tenants (slug, name, plan_id)
            VALUES (:slug, :name, 'free') RETURNING id
            """)
    UUID insertTenant(@Bind("slug") String slug, @Bind("name") String name);

    @SqlQuery("""
            INSERT INTO identity.users (email, name, password_hash)
            VALUES (:email, :name, :hash) RETURNING id
            """)
    UUID insertUser(@Bind("email") String normalizedEmail, @Bind("name") String name, @Bind("hash") String hash);

    @SqlUpdate("INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, 'owner')")
    void insertOwner(@Bind("t") UUID tenantId, @Bind("u") UUID userId);

    @SqlQuery("""
            SELECT id, password_hash, status, failed_logins, locked_until
            FROM identity.users WHERE lower(email) = :email
            """)
    Optional<Account> account(@Bind("email") String normalizedEmail);

    /** Counts a login attempt unless the account is locked (answers 0 then); locks it at {@code max}. */
    @SqlUpdate("""
            UPDATE identity.users
            SET failed_logins = CASE WHEN locked_until <= :now THEN 1 ELSE failed_logins + 1 END,
                locked_until = CASE
                    WHEN (CASE WHEN locked_until <= :now THEN 1 ELSE failed_logins + 1 END) >= :max
                        THEN :until
                    ELSE NULL END
            WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
            """)
    int countAttempt(
            @Bind("id") UUID userId,
            @Bind("now") OffsetDateTime now,
            @Bind("max") int max,
            @Bind("until") OffsetDateTime until);

    @SqlUpdate("UPDATE identity.users SET failed_logins = 0, locked_until = NULL WHERE id = :id")
    void clearFailedLogins(@Bind("id") UUID userId);

    @SqlUpdate("UPDATE identity.users SET last_login_at = now() WHERE id = :id")
    void touchLastLogin(@Bind("id") UUID userId);

    /** The user's membership in {@code tenant}, or their first when it is null. */
    @SqlQuery("""
            SELECT m.user_id, m.tenant_id, m.role, u.farm_admin
            FROM identity.members m JOIN identity.users u ON u.id = m.user_id
            WHERE m.user_id = :user AND (CAST(:tenant AS uuid) IS NULL OR m.tenant_id = :tenant)
            ORDER BY m.created_at LIMIT 1
            """)
    Optional<Accounts.Member> membership(@Bind("user") UUID userId, @Bind("tenant") UUID tenantId);

    @SqlQuery("""
            SELECT id, family_id, parent_id, user_id, tenant_id, expires_at, used_at, revoked_at
            FROM identity.refresh_tokens WHERE token_sha256 = :digest FOR UPDATE
            """)
    Optional<RefreshToken> lockRefreshToken(@Bind("digest") String digest);

    @SqlQuery("SELECT family_id FROM identity.refresh_tokens WHERE token_sha256 = :digest")
    Optional<UUID> refreshFamily(@Bind("digest") String digest);

    /**
     * Serialises the refreshes and revocations of one family until the transaction ends: a
     * revocation must see the token a refresh of the same family is writing (a row lock on the
     * token used would not, and two revocations at once would deadlock on each other's rows).
     */
    @SqlQuery("SELECT pg_advisory_xact_lock(hashtextextended('identity.refresh_tokens:' || :f, 0)) IS NULL")
    boolean lockFamily(@Bind("f") String familyId);

    /** Whether a token issued for {@code id} is neither used nor revoked. */
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM identity.refresh_tokens
                           WHERE parent_id = :id AND used_at IS NULL AND revoked_at IS NULL)
            """)
    boolean hasUnusedSuccessor(@Bind("id") UUID id);

    /** Uses up the other good tokens issued for {@code parent}: answers to a repeat nobody used. */
    @SqlUpdate("""
            UPDATE identity.refresh_tokens SET used_at = :at
            WHERE parent_id = :parent AND id <> :id AND used_at IS NULL AND revoked_at IS NULL
            """)
    void useUpSiblings(@Bind("id") UUID id, @Bind("parent") UUID parentId, @Bind("at") OffsetDateTime at);

    @SqlUpdate("UPDATE identity.refresh_tokens SET used_at = :at WHERE id = :id")
    void useRefreshToken(@Bind("id") UUID id, @Bind("at") OffsetDateTime at);

    @SqlUpdate("UPDATE identity.refresh_tokens SET revoked_at = now() WHERE family_id = :f AND revoked_at IS NULL")
    void revokeFamily(@Bind("f") UUID familyId);

    @SqlUpdate("""
            INSERT INTO identity.refresh_tokens (family_id, parent_id, user_id, tenant_id, token_sha256, expires_at)
            VALUES (:family, :parent, :user, :tenant, :digest, :expires)
            """)
    void insertRefreshToken(
            @Bind("family") UUID familyId,
            @Bind("parent") UUID parentId,
            @Bind("user") UUID userId,
            @Bind("tenant") UUID tenantId,
            @Bind("digest") String digest,
            @Bind("expires") OffsetDateTime expiresAt);
}
