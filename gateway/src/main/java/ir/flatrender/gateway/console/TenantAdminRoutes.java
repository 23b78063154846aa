package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The console's tenants: listed with their plan, balance and last 30 days' use, and moved to
 * another plan (audited). Crediting a wallet is {@code POST /v1/admin/tenants/{id}/credits}.
 * Farm administrators only.
 */
public final class TenantAdminRoutes {
    private final TenantDirectory tenants;
    private final ObjectMapper json;

    public TenantAdminRoutes(TenantDirectory tenants, ObjectMapper json) {
        this.tenants = requireNonNull(tenants, "tenants is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/admin/tenants", this::list);
        routes.post("/v1/admin/tenants/{tenantId}/plan", this::setPlan);
    }

    /** Tenants by name, {@code q} matching name or slug; keyset pages. */
    private void list(Context ctx) {
        Callers.farmAdministrator(ctx);
        Optional<String> q = Queries.text(ctx, "q", 200);
        int size = Queries.integer(ctx, "page_size", 1, 200, 50);
        Optional<String[]> after = Queries.text(ctx, "page_token", 600).map(TenantAdminRoutes::cursor);
        List<TenantDirectory.Row> rows = tenants.list(q, after, size + 1);
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("tenants");
        rows.stream().limit(size).forEach(row -> items.add(toJson(row)));
        if (rows.size() > size) {
            TenantDirectory.Row lastRow = rows.get(size - 1);
            out.put(
                    "next_page_token",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString((lastRow.id() + "\n" + lastRow.name()).getBytes(StandardCharsets.UTF_8)));
        } else {
            out.putNull("next_page_token");
        }
        ctx.json(out);
    }

    /** {@code [name, id]} from a page token; 400 naming it when it is not one. */
    private static String[] cursor(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int cut = text.indexOf('\n');
            UUID id = UUID.fromString(text.substring(0, cut));
            return new String[] {text.substring(cut + 1), id.toString()};
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw Queries.invalid("page_token", "is not a page token this API gave");
        }
    }

    private ObjectNode toJson(TenantDirectory.Row row) {
        ObjectNode out = json.createObjectNode();
        out.put("id", row.id().toString());
        out.put("slug", row.slug());
        out.put("name", row.name());
        out.put("kind", row.kind());
        out.put("status", row.status());
        out.put("plan", row.planId());
        out.put("balance_rial", row.balanceRial());
        out.put("members", row.members());
        out.put("renders_30d", row.renders30d());
        out.put("render_seconds_30d", row.renderSeconds30d());
        out.put("spent_rial_30d", row.spentRial30d());
        out.put("created_at", row.createdAt().toInstant().toString());
        return out;
    }

    /** Moves a tenant to another plan, audited with the one it left. */
    private void setPlan(Context ctx) {
        Principal administrator = Callers.farmAdministrator(ctx);
        UUID tenant;
        try {
            tenant = UUID.fromString(ctx.pathParam("tenantId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("tenant " + ctx.pathParam("tenantId"));
        }
        RequestBodies body = RequestBodies.read(ctx, json);
        String plan = body.string("plan", 64);
        body.check();
        AuditLog.Origin origin = AuditLog.Origin.of(ctx);
        TenantDirectory.Row changed = tenants.setPlan(administrator, tenant, plan, origin);
        ctx.json(toJson(changed));
    }
}
