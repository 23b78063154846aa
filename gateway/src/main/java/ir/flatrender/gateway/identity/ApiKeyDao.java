package ir.flatrender.gateway.identity;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.tenant_api_keys}: the secret kept as its SHA-256 only. */
@RegisterConstructorMapper(ApiKeyDao.Stored.class)
@RegisterConstructorMapper(ApiKeyDao.Listed.class)
@RegisterConstructorMapper(ApiKeyDao.Live.class)
public interface ApiKeyDao {
    /** What authentication checks. */
    record Stored(
            String id,
            UUID tenantId,
            String secretSha256,
            String[] scopes,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime graceUntil,
            OffsetDateTime lastUsedAt) {}

    /** A key as its tenant lists it; never the secret. */
    record Listed(
            String id,
            String name,
            String[] scopes,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime graceUntil,
            String replacedBy,
            OffsetDateTime lastUsedAt,
            OffsetDateTime createdAt) {}

    /** A key neither revoked nor rotated, locked for its rotation. */
    record Live(String name, String[] scopes, OffsetDateTime expiresAt) {}

    @SqlQuery("""
            SELECT id, tenant_id, secret_sha256, scopes, expires_at, revoked_at, grace_until, last_used_at
            FROM identity.tenant_api_keys WHERE id = :id
            """)
    Optional<Stored> find(@Bind("id") String id);

    @SqlUpdate("UPDATE identity.tenant_api_keys SET last_used_at = now() WHERE id = :id")
    void touch(@Bind("id") String id);

    @SqlUpdate("""
            INSERT INTO identity.tenant_api_keys (id, tenant_id, name, secret_sha256, scopes, created_by, expires_at)
            VALUES (:id, :t, :name, :digest, :scopes, :user, :expires)
            """)
    void insert(
            @Bind("id") String id,
            @Bind("t") UUID tenantId,
            @Bind("name") String name,
            @Bind("digest") String secretSha256,
            @Bind("scopes") String[] scopes,
            @Bind("user") UUID createdBy,
            @Bind("expires") OffsetDateTime expiresAt);

    @SqlQuery("""
            SELECT id, name, scopes, expires_at, revoked_at, grace_until, replaced_by, last_used_at, created_at
            FROM identity.tenant_api_keys WHERE tenant_id = :t ORDER BY created_at DESC
            """)
    List<Listed> list(@Bind("t") UUID tenantId);

    @SqlQuery("""
            SELECT name, scopes, expires_at FROM identity.tenant_api_keys
            WHERE id = :id AND tenant_id = :t AND revoked_at IS NULL AND replaced_by IS NULL
            FOR UPDATE
            """)
    Optional<Live> lockLive(@Bind("t") UUID tenantId, @Bind("id") String id);

    @SqlUpdate("UPDATE identity.tenant_api_keys SET grace_until = :g, replaced_by = :new WHERE id = :id")
    void replace(@Bind("id") String id, @Bind("new") String successor, @Bind("g") OffsetDateTime graceUntil);

    @SqlUpdate("""
            UPDATE identity.tenant_api_keys SET revoked_at = now()
            WHERE id = :id AND tenant_id = :t AND revoked_at IS NULL
            """)
    int revoke(@Bind("t") UUID tenantId, @Bind("id") String id);
}
