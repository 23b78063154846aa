package ir.flatrender.gateway.identity;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tenant's branding and members, the roles' limits and the last owner, against the real database. */
class TenantsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");

    private Jdbi jdbi;
    private Tenants tenants;
    private UUID tenant;
    private Principal owner;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void tenantWithOwner() {
        jdbi = postgres.database().jdbi();
        tenants = new Tenants(jdbi, JSON);
        tenant = TestingTenants.tenant(jdbi, "free");
        owner = member(tenant, user("owner"), Principal.Role.OWNER);
    }

    private UUID user(String name) {
        return TestingTenants.user(jdbi, name);
    }

    private String email(UUID user) {
        return jdbi.withHandle(h -> h.createQuery("SELECT email FROM identity.users WHERE id = :u")
                .bind("u", user)
                .mapTo(String.class)
                .one());
    }

    /** Makes {@code user} a member of {@code tenantId} with {@code role}, as its principal. */
    private Principal member(UUID tenantId, UUID user, Principal.Role role) {
        jdbi.useHandle(
                h -> h.createUpdate("INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, :r)")
                        .bind("t", tenantId)
                        .bind("u", user)
                        .bind("r", role.dbName())
                        .execute());
        return new Principal(tenantId, Optional.of(user), Optional.empty(), role, false, List.of());
    }

    @Test
    void anAdminBrandsTheTenantAndAnEditorMayNot() {
        Principal editor = member(tenant, user("editor"), Principal.Role.EDITOR);
        Tenants.Branding branding =
                new Tenants.Branding(Optional.of("Studio"), Optional.of("https://x.ir/logo.png"), Optional.empty());

        Tenants.Tenant branded = tenants.brand(owner, branding, ORIGIN);

        assertThat(branded.brandName()).isEqualTo("Studio");
        assertThat(branded.brandLogoUrl()).isEqualTo("https://x.ir/logo.png");
        assertThat(branded.brandPrimaryColor()).isNull();
        assertThat(status(() -> tenants.brand(editor, branding, ORIGIN))).isEqualTo(403);
    }

    @Test
    void anAdminAddsMembersByEmailOnlyBelowTheirOwnRole() {
        Principal admin = member(tenant, user("admin"), Principal.Role.ADMIN);
        UUID newcomer = user("newcomer");

        assertThat(tenants.setMember(admin, email(newcomer).toUpperCase(), Principal.Role.EDITOR, ORIGIN))
                .isEqualTo(newcomer);
        assertThat(status(() -> tenants.setMember(admin, email(newcomer), Principal.Role.ADMIN, ORIGIN)))
                .isEqualTo(403);
        assertThat(status(() -> tenants.setMember(admin, email(newcomer), Principal.Role.OWNER, ORIGIN)))
                .isEqualTo(403);
        assertThat(status(() -> tenants.setMember(admin, "nobody@example.com", Principal.Role.VIEWER, ORIGIN)))
                .isEqualTo(422);
        assertThat(tenants.members(owner))
                .extracting(Tenants.Member::userId, Tenants.Member::role)
                .contains(org.assertj.core.groups.Tuple.tuple(newcomer, "editor"));
    }

    @Test
    void theLastOwnerIsNeitherDemotedNorRemoved() {
        UUID ownerId = owner.user();

        assertThat(status(() -> tenants.setMember(owner, email(ownerId), Principal.Role.ADMIN, ORIGIN)))
                .isEqualTo(409);
        assertThat(status(() -> tenants.removeMember(owner, ownerId))).isEqualTo(409);

        UUID second = user("second");
        tenants.setMember(owner, email(second), Principal.Role.OWNER, ORIGIN);
        tenants.removeMember(owner, ownerId);
        assertThat(tenants.members(owner)).extracting(Tenants.Member::userId).containsExactly(second);
    }

    @Test
    void anAdminRemovesOnlyMembersBelowThem() {
        Principal admin = member(tenant, user("admin"), Principal.Role.ADMIN);
        UUID viewer = member(tenant, user("viewer"), Principal.Role.VIEWER).user();
        UUID otherAdmin = member(tenant, user("admin2"), Principal.Role.ADMIN).user();

        assertThat(status(() -> tenants.removeMember(admin, owner.user()))).isEqualTo(403);
        assertThat(status(() -> tenants.removeMember(admin, otherAdmin))).isEqualTo(403);
        tenants.removeMember(admin, viewer);
        assertThat(tenants.members(owner)).extracting(Tenants.Member::userId).doesNotContain(viewer);
    }

    @Test
    void aTenantSeesAndChangesOnlyItsOwnMembers() {
        UUID otherTenant = TestingTenants.tenant(jdbi, "free");
        UUID stranger =
                member(otherTenant, user("stranger"), Principal.Role.EDITOR).user();

        assertThat(tenants.members(owner)).extracting(Tenants.Member::userId).containsExactly(owner.user());
        assertThat(tenants.tenant(owner).id()).isEqualTo(tenant);
        assertThat(status(() -> tenants.removeMember(owner, stranger))).isEqualTo(404);
    }

    @Test
    void anApiKeyManagesNoMembers() {
        Principal key =
                new Principal(tenant, Optional.empty(), Optional.of("key_x"), Principal.Role.EDITOR, false, List.of());

        assertThat(status(() -> tenants.members(key))).isEqualTo(403);
    }
}
