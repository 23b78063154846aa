package ir.flatrender.gateway.identity;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.tenants} as a tenant reads and brands itself, and its {@code members}. */
@RegisterConstructorMapper(Tenants.Tenant.class)
@RegisterConstructorMapper(Tenants.Member.class)
public interface TenantDao {
    @SqlQuery("""
            SELECT id, slug, name, kind, plan_id, monthly_quota_seconds, brand_name, brand_logo_url,
                   brand_primary_color
            FROM identity.tenants WHERE id = :t
            """)
    Tenants.Tenant tenant(@Bind("t") UUID tenantId);

    @SqlUpdate("""
            UPDATE identity.tenants SET brand_name = :name, brand_logo_url = :logo,
                brand_primary_color = :color, updated_at = now()
            WHERE id = :t
            """)
    void brand(
            @Bind("t") UUID tenantId,
            @Bind("name") String name,
            @Bind("logo") String logoUrl,
            @Bind("color") String primaryColor);

    @SqlQuery("""
            SELECT u.id AS user_id, u.email, u.name, m.role FROM identity.members m
            JOIN identity.users u ON u.id = m.user_id
            WHERE m.tenant_id = :t ORDER BY m.created_at
            """)
    List<Tenants.Member> members(@Bind("t") UUID tenantId);

    @SqlQuery("SELECT id FROM identity.users WHERE lower(email) = :e")
    Optional<UUID> userByEmail(@Bind("e") String normalizedEmail);

    /** The tenant's owners, their rows locked until the transaction ends. */
    @SqlQuery("SELECT user_id FROM identity.members WHERE tenant_id = :t AND role = 'owner' FOR UPDATE")
    List<UUID> lockOwners(@Bind("t") UUID tenantId);

    @SqlQuery("SELECT role FROM identity.members WHERE tenant_id = :t AND user_id = :u FOR UPDATE")
    Optional<String> lockRole(@Bind("t") UUID tenantId, @Bind("u") UUID userId);

    @SqlUpdate("""
            INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, :r)
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role
            """)
    void setMember(@Bind("t") UUID tenantId, @Bind("u") UUID userId, @Bind("r") String role);

    @SqlUpdate("DELETE FROM identity.members WHERE tenant_id = :t AND user_id = :u")
    void removeMember(@Bind("t") UUID tenantId, @Bind("u") UUID userId);
}
