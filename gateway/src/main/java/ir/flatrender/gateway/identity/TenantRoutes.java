package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's own settings: its white-label branding, and its members with their roles (owner,
 * admin, editor, viewer). Admins add members and change roles below their own; only an owner
 * makes owners, and the last owner stays.
 */
public final class TenantRoutes {
    private static final Pattern COLOR = Pattern.compile("^#[0-9a-fA-F]{6}$");

    private final Jdbi jdbi;
    private final ObjectMapper json;

    public TenantRoutes(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/tenant", this::tenant);
        routes.post("/v1/tenant/branding", this::branding);
        routes.get("/v1/members", this::members);
        routes.post("/v1/members", this::addMember);
        routes.delete("/v1/members/{userId}", this::removeMember);
    }

    private void tenant(Context ctx) {
        Principal principal = Requests.principal(ctx);
        ObjectNode out = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, slug, name, kind, plan_id, monthly_quota_seconds, brand_name, brand_logo_url,
                               brand_primary_color
                        FROM identity.tenants WHERE id = :t
                        """)
                .bind("t", principal.tenantId())
                .map((rs, c) -> {
                    ObjectNode node = json.createObjectNode();
                    node.put("id", rs.getObject("id", UUID.class).toString());
                    node.put("slug", rs.getString("slug"));
                    node.put("name", rs.getString("name"));
                    node.put("kind", rs.getString("kind"));
                    node.put("plan", rs.getString("plan_id"));
                    if (rs.getObject("monthly_quota_seconds") != null) {
                        node.put("monthly_quota_seconds", rs.getInt("monthly_quota_seconds"));
                    }
                    ObjectNode brand = node.putObject("branding");
                    Optional.ofNullable(rs.getString("brand_name")).ifPresent(v -> brand.put("name", v));
                    Optional.ofNullable(rs.getString("brand_logo_url")).ifPresent(v -> brand.put("logo_url", v));
                    Optional.ofNullable(rs.getString("brand_primary_color"))
                            .ifPresent(v -> brand.put("primary_color", v));
                    return node;
                })
                .one());
        ctx.json(out);
    }

    private void branding(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        RequestBodies body = RequestBodies.read(ctx, json);
        Optional<String> name = body.optionalString("name", 200);
        Optional<String> logo = body.optionalString("logo_url", 2000);
        Optional<String> color = body.optionalString("primary_color", 7);
        if (logo.isPresent() && !logo.get().startsWith("https://")) {
            body.error("logo_url", "must be an https URL");
        }
        if (color.isPresent() && !COLOR.matcher(color.get()).matches()) {
            body.error("primary_color", "must be a colour like #ff6b35");
        }
        body.check();
        jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            UPDATE identity.tenants SET brand_name = :name, brand_logo_url = :logo,
                                brand_primary_color = :color, updated_at = now()
                            WHERE id = :t
                            """)
                    .bind("name", name.orElse(null))
                    .bind("logo", logo.orElse(null))
                    .bind("color", color.orElse(null))
                    .bind("t", principal.tenantId())
                    .execute();
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "tenant.branding_changed",
                    "tenant:" + principal.tenantId(),
                    json.createObjectNode(),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
        });
        tenant(ctx);
    }

    private void members(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.user();
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT u.id, u.email, u.name, m.role FROM identity.members m
                        JOIN identity.users u ON u.id = m.user_id
                        WHERE m.tenant_id = :t ORDER BY m.created_at
                        """)
                .bind("t", principal.tenantId())
                .map((rs, c) -> out.addObject()
                        .put("user_id", rs.getObject("id", UUID.class).toString())
                        .put("email", rs.getString("email"))
                        .put("name", rs.getString("name"))
                        .put("role", rs.getString("role")))
                .list());
        ctx.json(json.createObjectNode().set("members", out));
    }

    /** Adds a user who has an account, by email, or changes a member's role. */
    private void addMember(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        RequestBodies body = RequestBodies.read(ctx, json);
        String email = body.string("email", 320);
        String roleName = body.string("role", 10);
        Principal.Role role = null;
        if (roleName != null) {
            try {
                role = Principal.Role.parse(roleName);
            } catch (IllegalArgumentException e) {
                body.error("role", "must be owner, admin, editor or viewer");
            }
        }
        body.check();
        if (role == Principal.Role.OWNER && principal.role() != Principal.Role.OWNER) {
            throw Problem.forbidden("only an owner makes owners");
        }
        if (principal.role() != Principal.Role.OWNER && role.compareTo(principal.role()) >= 0) {
            throw Problem.forbidden("an " + principal.role().dbName() + " gives only roles below their own");
        }
        Principal.Role granted = role;
        UUID user = jdbi.inTransaction(handle -> {
            UUID found = handle.createQuery("SELECT id FROM identity.users WHERE lower(email) = :e")
                    .bind("e", email.toLowerCase(Locale.ROOT))
                    .mapTo(UUID.class)
                    .findOne()
                    .orElseThrow(() -> Problem.invalidField("email", "no account has this email; ask them to sign up"));
            // The owners locked first: two owners demoting each other at once cannot both win.
            List<UUID> owners = owners(handle, principal.tenantId());
            Optional<Principal.Role> current = handle.createQuery(
                            "SELECT role FROM identity.members WHERE tenant_id = :t AND user_id = :u FOR UPDATE")
                    .bind("t", principal.tenantId())
                    .bind("u", found)
                    .mapTo(String.class)
                    .findOne()
                    .map(Principal.Role::parse);
            if (current.isPresent()
                    && principal.role() != Principal.Role.OWNER
                    && current.get().compareTo(principal.role()) >= 0) {
                throw Problem.forbidden("an " + principal.role().dbName()
                        + " changes only the roles of members below them; this member is "
                        + current.get().dbName());
            }
            if (current.equals(Optional.of(Principal.Role.OWNER))
                    && granted != Principal.Role.OWNER
                    && owners.size() == 1) {
                throw Problem.conflict("last-owner", "a tenant keeps at least one owner; make another owner first");
            }
            handle.createUpdate("""
                            INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, :r)
                            ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role
                            """)
                    .bind("t", principal.tenantId())
                    .bind("u", found)
                    .bind("r", granted.dbName())
                    .execute();
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "member.set",
                    "user:" + found,
                    json.createObjectNode().put("role", granted.dbName()),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return found;
        });
        ctx.status(201)
                .json(json.createObjectNode().put("user_id", user.toString()).put("role", granted.dbName()));
    }

    /** The tenant's owners, their rows locked until the transaction ends. */
    private static List<UUID> owners(org.jdbi.v3.core.Handle handle, UUID tenant) {
        return handle.createQuery(
                        "SELECT user_id FROM identity.members WHERE tenant_id = :t AND role = 'owner' FOR UPDATE")
                .bind("t", tenant)
                .mapTo(UUID.class)
                .list();
    }

    private void removeMember(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        UUID user;
        try {
            user = UUID.fromString(ctx.pathParam("userId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("member " + ctx.pathParam("userId"));
        }
        jdbi.useTransaction(handle -> {
            List<UUID> owners = owners(handle, principal.tenantId());
            String role = handle.createQuery(
                            "SELECT role FROM identity.members WHERE tenant_id = :t AND user_id = :u FOR UPDATE")
                    .bind("t", principal.tenantId())
                    .bind("u", user)
                    .mapTo(String.class)
                    .findOne()
                    .orElseThrow(() -> Problem.notFound("member " + user));
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
            handle.createUpdate("DELETE FROM identity.members WHERE tenant_id = :t AND user_id = :u")
                    .bind("t", principal.tenantId())
                    .bind("u", user)
                    .execute();
        });
        ctx.status(204);
    }
}
