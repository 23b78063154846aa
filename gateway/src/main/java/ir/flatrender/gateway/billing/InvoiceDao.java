package ir.flatrender.gateway.billing;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.invoices} and their lines, made from {@code identity.usage_records}. */
@RegisterConstructorMapper(InvoiceDao.InvoiceRow.class)
public interface InvoiceDao {
    /** An invoice as stored; {@code period} is the month's first day. */
    record InvoiceRow(
            UUID id,
            LocalDate period,
            int renders,
            long seconds,
            long amountRial,
            String state,
            OffsetDateTime issuedAt) {}

    /** Invoices the reseller tenants with usage in [from, to) for {@code period}, once; answers how many were made. */
    @SqlUpdate("""
            INSERT INTO identity.invoices (tenant_id, period, renders, seconds, amount_rial)
            SELECT u.tenant_id, :period, count(*), sum(u.seconds), sum(u.amount_rial)
            FROM identity.usage_records u JOIN identity.tenants t ON t.id = u.tenant_id
            WHERE t.kind = 'reseller' AND u.recorded_at >= :from AND u.recorded_at < :to
            GROUP BY u.tenant_id
            ON CONFLICT (tenant_id, period) DO NOTHING
            """)
    int insertInvoices(
            @Bind("period") LocalDate period, @Bind("from") OffsetDateTime from, @Bind("to") OffsetDateTime to);

    @SqlUpdate("""
            INSERT INTO identity.invoice_lines (invoice_id, render_id, seconds, amount_rial, recorded_at)
            SELECT i.id, u.render_id, u.seconds, u.amount_rial, u.recorded_at
            FROM identity.invoices i JOIN identity.usage_records u ON u.tenant_id = i.tenant_id
            WHERE i.period = :period AND u.recorded_at >= :from AND u.recorded_at < :to
            ON CONFLICT DO NOTHING
            """)
    void insertLines(
            @Bind("period") LocalDate period, @Bind("from") OffsetDateTime from, @Bind("to") OffsetDateTime to);

    @SqlQuery("""
            SELECT id, period, renders, seconds, amount_rial, state, issued_at FROM identity.invoices
            WHERE tenant_id = :t ORDER BY period DESC
            """)
    List<InvoiceRow> ofTenant(@Bind("t") UUID tenantId);

    /** Sets a tenant's kind; the platform tenant's is never changed (answers 0 then, as for none). */
    @SqlUpdate("UPDATE identity.tenants SET kind = :k, updated_at = now() WHERE id = :t AND kind <> 'platform'")
    int setKind(@Bind("t") UUID tenantId, @Bind("k") String kind);
}
