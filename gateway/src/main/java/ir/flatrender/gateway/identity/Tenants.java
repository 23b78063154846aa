package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's own settings: its white-label branding, and its members with their roles (owner,
 * admin, editor, viewer). Admins add members and change roles below their own; only an owner
 * makes or removes owners, and the last owner stays. Every call acts on the caller's tenant only.
 */
public final class Tenants {
    /** A tenant as its members read it; the branding fields are null when unset. */
    public record Tenant(
            UUID id,
            String slug,
            String name,
            String kind,
            String planId,
            Integer monthlyQuotaSeconds,
            String brandName,
            String brandLogoUrl,
            String brandPrimaryColor) {}

    /** A member of a tenant. */
    public record Member(UUID userId, String email, String name, String role) {}

    /** A tenant's branding; each part may be unset. */
    public record Branding(Optional<String> name, Optional<String> logoUrl, Optional<String> primaryColor) {}

    private final Jdbi jdbi;
    private final ObjectMapper json;

    public Tenants(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    public Tenant tenant(Principal principal) {
        return jdbi.withExtension(TenantDao.class, t -> t.tenant(principal.tenantId()));
    }

    /** Sets the branding (an admin's; what is absent is cleared) and answers the tenant. */
    public Tenant brand(Principal principal, Branding branding, AuditLog.Origin origin) {
        principal.user();
        principal.require(Principal.Role.ADMIN);
        jdbi.useTransaction(handle -> {
            handle.attach(TenantDao.class)
                    .brand(
                            principal.tenantId(),
                            branding.name().orElse(null),
                            branding.logoUrl().orElse(null),
                            branding.primaryColor().orElse(null));
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "tenant.branding_changed",
                    "tenant:" + principal.tenantId(),
                    json.createObjectNode(),
                    origin.requestId(),
                    origin.ip());
        });
        return tenant(principal);
    }

    public List<Member> members(Principal principal) {
        principal.user();
        return jdbi.withExtension(TenantDao.class, t -> t.members(principal.tenantId()));
    }

    /**
     * Adds the user with this email (who has an account) as {@code role}, or changes their role;
     * answers their id. 403 past the caller's own role, 409 for the last owner, 400 for an unknown email.
     */
    public UUID setMember(Principal principal, String email, Principal.Role role, AuditLog.Origin origin) {
        principal.user();
        principal.require(Principal.Role.ADMIN);
        if (role == Principal.Role.OWNER && principal.role() != Principal.Role.OWNER) {
            throw Problem.forbidden("only an owner makes owners");
        }
        if (principal.role() != Principal.Role.OWNER && role.compareTo(principal.role()) >= 0) {
            throw Problem.forbidden("an " + principal.role().dbName() + " gives only roles below their own");
        }
        return jdbi.inTransaction(handle -> {
            TenantDao tenants = handle.attach(TenantDao.class);
            UUID found = tenants.userByEmail(email.toLowerCase(Locale.ROOT))
                    .orElseThrow(() -> Problem.invalidField("email", "no account has this email; ask them to sign up"));
            // The owners locked first: two owners demoting each other at once cannot both win.
            List<UUID> owners = tenants.lockOwners(principal.tenantId());
            Optional<Principal.Role> current =
                    tenants.lockRole(principal.tenantId(), found).map(Principal.Role::parse);
            if (current.isPresent()
                    && principal.role() != Principal.Role.OWNER
                    && current.get().compareTo(principal.role()) >= 0) {
                throw Problem.forbidden("an " + principal.role().dbName()
                        + " changes only the roles of members below them; this member is "
                        + current.get().dbName());
            }
            if (current.equals(Optional.of(Principal.Role.OWNER))
                    && role != Principal.Role.OWNER
                    && owners.size() == 1) {
                throw Problem.conflict("last-owner", "a tenant keeps at least one owner; make another owner first");
            }
            tenants.setMember(principal.tenantId(), found, role.dbName());
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "member.set",
                    "user:" + found,
                    json.createObjectNode().put("role", role.dbName()),
                    origin.requestId(),
                    origin.ip());
            return found;
        });
    }

    /** Removes a member of the caller's tenant: 404 for none, 403 past the caller's role, 409 for the last owner. */
    public void removeMember(Principal principal, UUID user) {
        principal.user();
        principal.require(Principal.Role.ADMIN);
        jdbi.useTransaction(handle -> {
            TenantDao tenants = handle.attach(TenantDao.class);
            List<UUID> owners = tenants.lockOwners(principal.tenantId());
            String role =
                    tenants.lockRole(principal.tenantId(), user).orElseThrow(() -> Problem.notFound("member " + user));
            if (role.equals("owner")) {
                if (principal.role() != Principal.Role.OWNER) {
                    throw Problem.forbidden("only an owner removes owners");
                }
                if (owners.size() == 1) {
                    throw Problem.conflict("last-owner", "a tenant keeps at least one owner");
                }
            } else if (principal.role() != Principal.Role.OWNER
                    && Principal.Role.parse(role).compareTo(principal.role()) >= 0) {
                throw Problem.forbidden(
                        "an " + principal.role().dbName() + " removes only members below them; this one is " + role);
            }
            tenants.removeMember(principal.tenantId(), user);
        });
    }
}
