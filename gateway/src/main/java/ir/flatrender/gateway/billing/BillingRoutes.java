package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.renders.FarmClient;
import ir.flatrender.proto.farm.v1.Template;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/plans}, {@code /v1/quote}, the wallet, and the farm administrators' credit and quota. */
public final class BillingRoutes {
    private final Jdbi jdbi;
    private final Billing billing;
    private final FarmClient farm;
    private final ObjectMapper json;

    public BillingRoutes(Jdbi jdbi, Billing billing, FarmClient farm, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.billing = requireNonNull(billing, "billing is null");
        this.farm = requireNonNull(farm, "farm is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/plans", this::plans);
        routes.post("/v1/quote", this::quote);
        routes.get("/v1/wallet", this::wallet);
        routes.get("/v1/usage", this::usage);
        routes.post("/v1/admin/tenants/{tenantId}/credits", this::credit);
        routes.post("/v1/admin/tenants/{tenantId}/quota", this::setQuota);
    }

    private void plans(Context ctx) {
        ArrayNode out = json.createArrayNode();
        for (Billing.Plan plan : jdbi.withHandle(billing::plans)) {
            ObjectNode node = out.addObject();
            node.put("id", plan.id());
            node.putObject("name").put("en", plan.nameEn()).put("fa", plan.nameFa());
            node.put("price_rial", plan.priceRial());
            node.put("price_toman", plan.priceRial() / 10);
            node.put("included_seconds", plan.includedSeconds());
            node.put("rial_per_second", plan.rialPerSecond());
            node.set("tier_factors", json.valueToTree(plan.tierFactors()));
        }
        ctx.json(json.createObjectNode().set("plans", out));
    }

    /** The template (known to the farm) and the tier a render would use; problems for either. */
    public static Template template(FarmClient farm, RequestBodies body, String templateId) {
        if (templateId == null) {
            return null;
        }
        Optional<Template> template = farm.template(templateId);
        if (template.isEmpty()) {
            body.error("template", "no template " + templateId);
            return null;
        }
        return template.get();
    }

    private void quote(Context ctx) {
        Principal principal = Requests.principal(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String tier = body.string("tier", 10);
        body.check();
        Template template = template(farm, body, templateId);
        body.check();
        Billing.Quote quote =
                Billing.quote(jdbi.withHandle(h -> billing.planOf(h, principal.tenantId())), template, tier);
        ctx.json(quoteJson(json, quote));
    }

    public static ObjectNode quoteJson(ObjectMapper json, Billing.Quote quote) {
        ObjectNode out = json.createObjectNode();
        out.put("template", quote.templateId());
        out.put("tier", quote.tier());
        out.put("length_seconds", quote.lengthSeconds());
        out.put("tier_factor", quote.factor());
        out.put("charge_seconds", quote.chargeSeconds());
        out.put("charge_rial", quote.chargeRial());
        out.put("charge_toman", quote.chargeRial() / 10.0);
        return out;
    }

    private void wallet(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.VIEWER);
        principal.requireScope("billing:read");
        ObjectNode out = json.createObjectNode();
        jdbi.useHandle(handle -> {
            Billing.Balance balance = Billing.balance(handle, principal.tenantId());
            out.put("available_rial", balance.availableRial());
            out.put("held_rial", balance.heldRial());
            out.put("captured_rial", balance.capturedRial());
            out.put("credited_rial", balance.creditedRial());
            out.put("used_seconds_this_month", Billing.usedThisMonth(handle, principal.tenantId()));
            Billing.monthlyQuota(handle, principal.tenantId()).ifPresent(q -> out.put("monthly_quota_seconds", q));
            ArrayNode entries = out.putArray("entries");
            handle.createQuery("""
                            SELECT id, kind, amount_rial, render_id, reference, created_at
                            FROM identity.ledger_entries WHERE tenant_id = :tenant ORDER BY id DESC LIMIT 200
                            """)
                    .bind("tenant", principal.tenantId())
                    .map((rs, c) -> {
                        ObjectNode entry = entries.addObject();
                        entry.put("id", rs.getLong("id"));
                        entry.put("kind", rs.getString("kind"));
                        entry.put("amount_rial", rs.getLong("amount_rial"));
                        UUID render = rs.getObject("render_id", UUID.class);
                        if (render != null) {
                            entry.put("render_id", render.toString());
                        }
                        entry.put("reference", rs.getString("reference"));
                        entry.put(
                                "created_at",
                                rs.getObject("created_at", java.time.OffsetDateTime.class)
                                        .toString());
                        return entry;
                    })
                    .list();
        });
        ctx.json(out);
    }

    /** Render seconds and Rial charged a day (UTC), over the last {@code days} days (default 30). */
    private void usage(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.VIEWER);
        principal.requireScope("billing:read");
        int days;
        try {
            days = ctx.queryParam("days") == null ? 30 : Integer.parseInt(ctx.queryParam("days"));
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 1 || days > 366) {
            throw Problem.invalidField("days", "must be a whole number from 1 to 366");
        }
        int window = days;
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS renders,
                               sum(seconds) AS seconds, sum(amount_rial) AS rial
                        FROM identity.usage_records
                        WHERE tenant_id = :t AND recorded_at >= now() - make_interval(days => :days)
                        GROUP BY 1 ORDER BY 1
                        """)
                .bind("t", principal.tenantId())
                .bind("days", window)
                .map((rs, c) -> out.addObject()
                        .put(
                                "day",
                                rs.getObject("day", java.time.LocalDate.class).toString())
                        .put("renders", rs.getLong("renders"))
                        .put("seconds", rs.getLong("seconds"))
                        .put("amount_rial", rs.getLong("rial")))
                .list());
        ctx.json(json.createObjectNode().set("days", out));
    }

    private static UUID tenantParam(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("tenantId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("tenant " + ctx.pathParam("tenantId"));
        }
    }

    private void credit(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireFarmAdmin();
        UUID tenant = tenantParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        long amount = body.positiveLong("amount_rial", 1_000_000_000_000L);
        String reason = body.string("reason", 500);
        body.check();
        long id = jdbi.inTransaction(handle -> {
            Billing.lockWallet(handle, tenant);
            long entry =
                    Billing.entry(handle, tenant, "credit", amount, null, "admin:" + principal.user() + ":" + reason);
            AuditLog.record(
                    handle,
                    tenant,
                    principal.userId(),
                    "wallet.credited",
                    "tenant:" + tenant,
                    json.createObjectNode().put("amount_rial", amount).put("reason", reason),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return entry;
        });
        ctx.status(201).json(json.createObjectNode().put("entry_id", id).put("amount_rial", amount));
    }

    private void setQuota(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireFarmAdmin();
        UUID tenant = tenantParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        long seconds = body.positiveLong("monthly_quota_seconds", Integer.MAX_VALUE);
        body.check();
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE identity.tenants SET monthly_quota_seconds = :q, updated_at = now() WHERE id = :t")
                .bind("q", (int) seconds)
                .bind("t", tenant)
                .execute());
        if (updated == 0) {
            throw Problem.notFound("tenant " + tenant);
        }
        ctx.json(json.createObjectNode().put("monthly_quota_seconds", seconds));
    }
}
