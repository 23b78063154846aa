package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Callers;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Invoices as tenants read them and farm administrators make them, over {@link Invoices}. */
public final class InvoiceRoutes {
    private final Invoices invoices;
    private final ir.flatrender.gateway.identity.AdminAudit audit;
    private final ObjectMapper json;

    public InvoiceRoutes(Invoices invoices, ir.flatrender.gateway.identity.AdminAudit audit, ObjectMapper json) {
        this.invoices = requireNonNull(invoices, "invoices is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/invoices", this::list);
        routes.post("/v1/admin/invoices/run", this::run);
        routes.post("/v1/admin/tenants/{tenantId}/kind", this::setKind);
    }

    private void list(Context ctx) {
        ArrayNode out = json.createArrayNode();
        for (Invoices.Invoice invoice : invoices.ofTenant(Callers.principal(ctx))) {
            out.addObject()
                    .put("id", invoice.id().toString())
                    .put("period", invoice.period().toString())
                    .put("renders", invoice.renders())
                    .put("seconds", invoice.seconds())
                    .put("amount_rial", invoice.amountRial())
                    .put("amount_toman", invoice.amountRial() / 10.0)
                    .put("state", invoice.state())
                    .put("issued_at", invoice.issuedAt().toString());
        }
        ctx.json(json.createObjectNode().set("invoices", out));
    }

    private void run(Context ctx) {
        Callers.principal(ctx).requireFarmAdmin();
        RequestBodies body = RequestBodies.read(ctx, json);
        String text = body.string("month", 7);
        body.check();
        YearMonth month;
        try {
            month = YearMonth.parse(text);
        } catch (DateTimeParseException e) {
            throw Problem.invalidField("month", "must be a month like 2026-11");
        }
        int made = invoices.run(Callers.principal(ctx), month);
        ctx.json(json.createObjectNode().put("month", month.toString()).put("invoices_made", made));
    }

    private void setKind(Context ctx) {
        Callers.principal(ctx).requireFarmAdmin();
        UUID tenant;
        try {
            tenant = UUID.fromString(ctx.pathParam("tenantId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("tenant " + ctx.pathParam("tenantId"));
        }
        RequestBodies body = RequestBodies.read(ctx, json);
        String kind = body.string("kind", 20);
        if (kind != null && !Invoices.KINDS.contains(kind)) {
            body.error("kind", "must be one of " + Invoices.KINDS);
        }
        body.check();
        invoices.setKind(Callers.principal(ctx), tenant, kind);
        audit.record(
                tenant,
                Callers.principal(ctx),
                "tenant.kind_changed",
                "tenant:" + tenant,
                json.createObjectNode().put("kind", kind),
                ir.flatrender.gateway.identity.AuditLog.Origin.of(ctx));
        ctx.json(json.createObjectNode().put("tenant_id", tenant.toString()).put("kind", kind));
    }
}
