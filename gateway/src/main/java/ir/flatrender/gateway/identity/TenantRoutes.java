package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** A tenant's own settings and members over {@link Tenants}. */
public final class TenantRoutes {
    private static final Pattern COLOR = Pattern.compile("^#[0-9a-fA-F]{6}$");

    private final Tenants tenants;
    private final ObjectMapper json;

    public TenantRoutes(Tenants tenants, ObjectMapper json) {
        this.tenants = requireNonNull(tenants, "tenants is null");
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
        ctx.json(tenantJson(tenants.tenant(Callers.principal(ctx))));
    }

    private ObjectNode tenantJson(Tenants.Tenant tenant) {
        ObjectNode node = json.createObjectNode();
        node.put("id", tenant.id().toString());
        node.put("slug", tenant.slug());
        node.put("name", tenant.name());
        node.put("kind", tenant.kind());
        node.put("plan", tenant.planId());
        if (tenant.monthlyQuotaSeconds() != null) {
            node.put("monthly_quota_seconds", tenant.monthlyQuotaSeconds());
        }
        ObjectNode brand = node.putObject("branding");
        Optional.ofNullable(tenant.brandName()).ifPresent(v -> brand.put("name", v));
        Optional.ofNullable(tenant.brandLogoUrl()).ifPresent(v -> brand.put("logo_url", v));
        Optional.ofNullable(tenant.brandPrimaryColor()).ifPresent(v -> brand.put("primary_color", v));
        return node;
    }

    private void branding(Context ctx) {
        Principal principal = Callers.principal(ctx);
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
        ctx.json(
                tenantJson(tenants.brand(principal, new Tenants.Branding(name, logo, color), AuditLog.Origin.of(ctx))));
    }

    private void members(Context ctx) {
        ArrayNode out = json.createArrayNode();
        for (Tenants.Member member : tenants.members(Callers.principal(ctx))) {
            out.addObject()
                    .put("user_id", member.userId().toString())
                    .put("email", member.email())
                    .put("name", member.name())
                    .put("role", member.role());
        }
        ctx.json(json.createObjectNode().set("members", out));
    }

    /** Adds a user who has an account, by email, or changes a member's role. */
    private void addMember(Context ctx) {
        Principal principal = Callers.principal(ctx);
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
        UUID user = tenants.setMember(principal, email, role, AuditLog.Origin.of(ctx));
        ctx.status(201)
                .json(json.createObjectNode().put("user_id", user.toString()).put("role", role.dbName()));
    }

    private void removeMember(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        UUID user;
        try {
            user = UUID.fromString(ctx.pathParam("userId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("member " + ctx.pathParam("userId"));
        }
        tenants.removeMember(principal, user);
        ctx.status(204);
    }
}
