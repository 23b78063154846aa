package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Every tenant as the operators' console sees it: plan, balance, members, recent use; and their plans changed. */
public final class TenantDirectory {
    /** One tenant as the console lists it. */
    public record Row(
            UUID id,
            String slug,
            String name,
            String kind,
            String status,
            String planId,
            long balanceRial,
            int members,
            int renders30d,
            long renderSeconds30d,
            long spentRial30d,
            OffsetDateTime createdAt) {}

    private static final String SELECT = """
            SELECT t.id, t.slug, t.name, t.kind, t.status, t.plan_id, t.created_at,
                   (SELECT count(*) FROM identity.members m WHERE m.tenant_id = t.id) AS members,
                   coalesce(l.credited, 0) - coalesce(l.held, 0) + coalesce(l.released, 0) AS balance_rial,
                   coalesce(u.renders, 0) AS renders_30d,
                   coalesce(u.seconds, 0) AS render_seconds_30d,
                   coalesce(u.amount, 0) AS spent_rial_30d
            FROM identity.tenants t
            LEFT JOIN LATERAL (
                SELECT sum(amount_rial) FILTER (WHERE kind = 'credit') AS credited,
                       sum(amount_rial) FILTER (WHERE kind = 'hold') AS held,
                       sum(amount_rial) FILTER (WHERE kind = 'release') AS released
                FROM identity.ledger_entries e WHERE e.tenant_id = t.id) l ON true
            LEFT JOIN LATERAL (
                SELECT count(*) AS renders, sum(seconds) AS seconds, sum(amount_rial) AS amount
                FROM identity.usage_records r
                WHERE r.tenant_id = t.id AND r.recorded_at >= now() - interval '30 days') u ON true
            """;

    private final Jdbi jdbi;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public TenantDirectory(Jdbi jdbi, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    /**
     * Tenants by name, then id; {@code q} matches name or slug; {@code after} is the
     * {@code [name, id]} of the last row of the page before. At most {@code limit} rows.
     */
    List<Row> list(Optional<String> q, Optional<String[]> after, int limit) {
        return jdbi.withHandle(handle -> {
            StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
            q.ifPresent(x -> sql.append(" AND (t.name ILIKE :q OR t.slug ILIKE :q)"));
            after.ifPresent(x -> sql.append(" AND (t.name, t.id) > (:afterName, CAST(:afterId AS uuid))"));
            sql.append(" ORDER BY t.name, t.id LIMIT :limit");
            Query query = handle.createQuery(sql.toString()).bind("limit", limit);
            q.ifPresent(x -> query.bind(
                    "q", "%" + x.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"));
            after.ifPresent(x -> query.bind("afterName", x[0]).bind("afterId", x[1]));
            return query.map((rs, c) -> row(rs)).list();
        });
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(
                rs.getObject("id", UUID.class),
                rs.getString("slug"),
                rs.getString("name"),
                rs.getString("kind"),
                rs.getString("status"),
                rs.getString("plan_id"),
                rs.getLong("balance_rial"),
                rs.getInt("members"),
                rs.getInt("renders_30d"),
                rs.getLong("render_seconds_30d"),
                rs.getLong("spent_rial_30d"),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static Optional<Row> find(Handle handle, UUID id) {
        return handle.createQuery(SELECT + " WHERE t.id = :id")
                .bind("id", id)
                .map((rs, c) -> row(rs))
                .findOne();
    }

    /** Moves a tenant to another plan, audited with the one it left; 404 without the tenant, 400 for an unknown plan. */
    Row setPlan(Principal administrator, UUID tenant, String plan, AuditLog.Origin origin) {
        return jdbi.inTransaction(handle -> {
            Optional<String> before = handle.createQuery(
                            "SELECT plan_id FROM identity.tenants WHERE id = :id FOR UPDATE")
                    .bind("id", tenant)
                    .map((rs, c) -> Optional.ofNullable(rs.getString("plan_id")))
                    .findOne()
                    .orElseThrow(() -> Problem.notFound("tenant " + tenant));
            boolean known = handle.createQuery("SELECT count(*) FROM identity.plans WHERE id = :plan")
                            .bind("plan", plan)
                            .mapTo(Integer.class)
                            .one()
                    > 0;
            if (!known) {
                throw Problem.invalidField("plan", "must be a plan id from GET /v1/plans");
            }
            handle.createUpdate("UPDATE identity.tenants SET plan_id = :plan, updated_at = now() WHERE id = :id")
                    .bind("plan", plan)
                    .bind("id", tenant)
                    .execute();
            ObjectNode details = json.createObjectNode().put("plan", plan);
            details.put("previous_plan", before.orElse(null));
            AuditLog.record(
                    handle,
                    tenant,
                    administrator.userId(),
                    "tenant.plan_changed",
                    "tenant:" + tenant,
                    details,
                    origin.requestId(),
                    origin.ip());
            return find(handle, tenant).orElseThrow();
        });
    }
}
