package ir.flatrender.gateway.billing;

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
import java.util.Optional;
import java.util.UUID;

/** {@code /v1/plans}, {@code /v1/quote}, the wallet, and the farm administrators' credit and quota. */
public final class BillingRoutes {
    private final Billing billing;
    private final Wallet wallet;
    private final TemplateLengths templates;
    private final ir.flatrender.gateway.identity.AdminAudit audit;
    private final ObjectMapper json;

    public BillingRoutes(
            Billing billing,
            Wallet wallet,
            TemplateLengths templates,
            ir.flatrender.gateway.identity.AdminAudit audit,
            ObjectMapper json) {
        this.audit = requireNonNull(audit, "audit is null");
        this.billing = requireNonNull(billing, "billing is null");
        this.wallet = requireNonNull(wallet, "wallet is null");
        this.templates = requireNonNull(templates, "templates is null");
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
        for (Billing.Plan plan : billing.plans()) {
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

    private void quote(Context ctx) {
        Principal principal = Callers.principal(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String tier = body.string("tier", 10);
        body.check();
        Optional<Double> length = templates.seconds(templateId);
        if (length.isEmpty()) {
            body.error("template", "no template " + templateId);
        }
        body.check();
        Billing.Quote quote = Billing.quote(billing.planOf(principal.tenantId()), templateId, length.get(), tier);
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
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.VIEWER);
        principal.requireScope("billing:read");
        Wallet.Statement statement = wallet.statement(principal.tenantId());
        ObjectNode out = json.createObjectNode();
        out.put("available_rial", statement.balance().availableRial());
        out.put("held_rial", statement.balance().heldRial());
        out.put("captured_rial", statement.balance().capturedRial());
        out.put("credited_rial", statement.balance().creditedRial());
        out.put("used_seconds_this_month", statement.usedSecondsThisMonth());
        statement.monthlyQuotaSeconds().ifPresent(q -> out.put("monthly_quota_seconds", q));
        ArrayNode entries = out.putArray("entries");
        for (Wallet.Entry entry : statement.entries()) {
            ObjectNode node = entries.addObject();
            node.put("id", entry.id());
            node.put("kind", entry.kind());
            node.put("amount_rial", entry.amountRial());
            if (entry.renderId() != null) {
                node.put("render_id", entry.renderId().toString());
            }
            node.put("reference", entry.reference());
            node.put("created_at", entry.createdAt().toString());
        }
        ctx.json(out);
    }

    /** Render seconds and Rial charged a day (UTC), over the last {@code days} days (default 30). */
    private void usage(Context ctx) {
        Principal principal = Callers.principal(ctx);
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
        ArrayNode out = json.createArrayNode();
        for (Wallet.UsageDay day : wallet.usage(principal.tenantId(), days)) {
            out.addObject()
                    .put("day", day.day().toString())
                    .put("renders", day.renders())
                    .put("seconds", day.seconds())
                    .put("amount_rial", day.amountRial());
        }
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
        Principal principal = Callers.principal(ctx);
        principal.requireFarmAdmin();
        UUID tenant = tenantParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        long amount = body.positiveLong("amount_rial", 1_000_000_000_000L);
        String reason = body.string("reason", 500);
        body.check();
        long id = wallet.credit(principal, tenant, amount, reason, AuditLog.Origin.of(ctx));
        ctx.status(201).json(json.createObjectNode().put("entry_id", id).put("amount_rial", amount));
    }

    private void setQuota(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireFarmAdmin();
        UUID tenant = tenantParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        long seconds = body.positiveLong("monthly_quota_seconds", Integer.MAX_VALUE);
        body.check();
        if (!wallet.setMonthlyQuota(tenant, (int) seconds)) {
            throw Problem.notFound("tenant " + tenant);
        }
        audit.record(
                tenant,
                principal,
                "tenant.quota_changed",
                "tenant:" + tenant,
                json.createObjectNode().put("monthly_quota_seconds", seconds),
                AuditLog.Origin.of(ctx));
        ctx.json(json.createObjectNode().put("monthly_quota_seconds", seconds));
    }
}
