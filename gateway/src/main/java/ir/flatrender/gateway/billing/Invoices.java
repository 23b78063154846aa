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
import ir.flatrender.gateway.identity.Principal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Monthly invoices of reseller tenants, from their usage records: one a tenant a month, made
 * once (making a month again changes nothing). The gateway makes last month's on start and
 * each day; farm administrators can make any past or current month's.
 */
public final class Invoices {
    private static final Set<String> KINDS = Set.of("customer", "reseller");

    private final Jdbi jdbi;
    private final ObjectMapper json;

    public Invoices(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/invoices", this::list);
        routes.post("/v1/admin/invoices/run", this::run);
        routes.post("/v1/admin/tenants/{tenantId}/kind", this::setKind);
    }

    /** Makes the month's invoices of every reseller tenant with usage in it; answers how many were made. */
    public int make(YearMonth month) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        return jdbi.inTransaction(handle -> {
            int made = handle.createUpdate("""
                            INSERT INTO identity.invoices (tenant_id, period, renders, seconds, amount_rial)
                            SELECT u.tenant_id, :period, count(*), sum(u.seconds), sum(u.amount_rial)
                            FROM identity.usage_records u JOIN identity.tenants t ON t.id = u.tenant_id
                            WHERE t.kind = 'reseller' AND u.recorded_at >= :from AND u.recorded_at < :to
                            GROUP BY u.tenant_id
                            ON CONFLICT (tenant_id, period) DO NOTHING
                            """)
                    .bind("period", month.atDay(1))
                    .bind("from", from)
                    .bind("to", to)
                    .execute();
            handle.createUpdate("""
                            INSERT INTO identity.invoice_lines (invoice_id, render_id, seconds, amount_rial, recorded_at)
                            SELECT i.id, u.render_id, u.seconds, u.amount_rial, u.recorded_at
                            FROM identity.invoices i JOIN identity.usage_records u ON u.tenant_id = i.tenant_id
                            WHERE i.period = :period AND u.recorded_at >= :from AND u.recorded_at < :to
                            ON CONFLICT DO NOTHING
                            """)
                    .bind("period", month.atDay(1))
                    .bind("from", from)
                    .bind("to", to)
                    .execute();
            return made;
        });
    }

    private void list(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.ADMIN);
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT id, period, renders, seconds, amount_rial, state, issued_at FROM identity.invoices
                        WHERE tenant_id = :t ORDER BY period DESC
                        """)
                .bind("t", principal.tenantId())
                .map((rs, c) -> out.addObject()
                        .put("id", rs.getObject("id", UUID.class).toString())
                        .put(
                                "period",
                                YearMonth.from(rs.getObject("period", LocalDate.class))
                                        .toString())
                        .put("renders", rs.getInt("renders"))
                        .put("seconds", rs.getLong("seconds"))
                        .put("amount_rial", rs.getLong("amount_rial"))
                        .put("amount_toman", rs.getLong("amount_rial") / 10.0)
                        .put("state", rs.getString("state"))
                        .put(
                                "issued_at",
                                rs.getObject("issued_at", OffsetDateTime.class).toString()))
                .list());
        ctx.json(json.createObjectNode().set("invoices", out));
    }

    private void run(Context ctx) {
        Requests.principal(ctx).requireFarmAdmin();
        RequestBodies body = RequestBodies.read(ctx, json);
        String text = body.string("month", 7);
        body.check();
        YearMonth month;
        try {
            month = YearMonth.parse(text);
        } catch (DateTimeParseException e) {
            throw Problem.invalidField("month", "must be a month like 2026-11");
        }
        if (month.isAfter(YearMonth.now(ZoneOffset.UTC))) {
            throw Problem.invalidField("month", "must not be in the future");
        }
        ctx.json(json.createObjectNode().put("month", month.toString()).put("invoices_made", make(month)));
    }

    private void setKind(Context ctx) {
        Requests.principal(ctx).requireFarmAdmin();
        UUID tenant;
        try {
            tenant = UUID.fromString(ctx.pathParam("tenantId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("tenant " + ctx.pathParam("tenantId"));
        }
        RequestBodies body = RequestBodies.read(ctx, json);
        String kind = body.string("kind", 20);
        if (kind != null && !KINDS.contains(kind)) {
            body.error("kind", "must be one of " + KINDS);
        }
        body.check();
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE identity.tenants SET kind = :k, updated_at = now() WHERE id = :t AND kind <> 'platform'")
                .bind("k", kind)
                .bind("t", tenant)
                .execute());
        if (updated == 0) {
            throw Problem.notFound("tenant " + tenant);
        }
        ObjectNode out =
                json.createObjectNode().put("tenant_id", tenant.toString()).put("kind", kind);
        ctx.json(out);
    }
}
