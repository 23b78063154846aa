package ir.flatrender.gateway.billing;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The wallet's ledger ({@code identity.ledger_entries}, append-only), the usage records and a
 * tenant's quota. A balance is the sum of the entries: credits add, a hold takes, its capture
 * keeps it taken, its release gives it back.
 */
@RegisterConstructorMapper(Wallet.Balance.class)
@RegisterConstructorMapper(Wallet.Entry.class)
@RegisterConstructorMapper(Wallet.UsageDay.class)
public interface LedgerDao {
    /** Locks the tenant's row until the transaction ends: empty when there is no such tenant. */
    @SqlQuery("SELECT id FROM identity.tenants WHERE id = :tenant FOR UPDATE")
    Optional<UUID> lockTenant(@Bind("tenant") UUID tenantId);

    @SqlQuery("""
            SELECT credited - held + released AS available_rial,
                   held - captured - released AS held_rial,
                   captured AS captured_rial,
                   credited AS credited_rial
            FROM (
                SELECT coalesce(sum(amount_rial) FILTER (WHERE kind = 'credit'), 0) AS credited,
                       coalesce(sum(amount_rial) FILTER (WHERE kind = 'hold'), 0) AS held,
                       coalesce(sum(amount_rial) FILTER (WHERE kind = 'capture'), 0) AS captured,
                       coalesce(sum(amount_rial) FILTER (WHERE kind = 'release'), 0) AS released
                FROM identity.ledger_entries
                WHERE tenant_id = :tenant
            ) AS sums
            """)
    Wallet.Balance balance(@Bind("tenant") UUID tenantId);

    /** Render seconds charged this calendar month (UTC) to renders that did not fail or get cancelled. */
    @SqlQuery("""
            SELECT coalesce(sum(charge_seconds), 0)
            FROM identity.renders
            WHERE tenant_id = :tenant AND state NOT IN ('failed', 'cancelled')
              AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            """)
    long usedThisMonth(@Bind("tenant") UUID tenantId);

    /** The tenant's own monthly quota; empty when it has none (or there is no such tenant). */
    @SqlQuery("""
            SELECT monthly_quota_seconds
            FROM identity.tenants
            WHERE id = :tenant AND monthly_quota_seconds IS NOT NULL
            """)
    Optional<Integer> monthlyQuota(@Bind("tenant") UUID tenantId);

    @SqlUpdate("""
            UPDATE identity.tenants
            SET monthly_quota_seconds = :seconds, updated_at = now()
            WHERE id = :tenant
            """)
    int setMonthlyQuota(@Bind("tenant") UUID tenantId, @Bind("seconds") int seconds);

    /** Appends an entry; {@code renderId} is null for a credit and only then. Answers its id. */
    @SqlQuery("""
            INSERT INTO identity.ledger_entries (tenant_id, kind, amount_rial, render_id, reference)
            VALUES (:tenant, :kind, :amount, :render, :reference)
            RETURNING id
            """)
    long append(
            @Bind("tenant") UUID tenantId,
            @Bind("kind") String kind,
            @Bind("amount") long amountRial,
            @Bind("render") UUID renderId,
            @Bind("reference") String reference);

    /** The tenant's newest 200 entries, newest first. */
    @SqlQuery("""
            SELECT id, kind, amount_rial, render_id, reference, created_at
            FROM identity.ledger_entries
            WHERE tenant_id = :tenant
            ORDER BY id DESC
            LIMIT 200
            """)
    List<Wallet.Entry> recent(@Bind("tenant") UUID tenantId);

    /** Render seconds and Rial charged a day (UTC) over the last {@code days} days, oldest first. */
    @SqlQuery("""
            SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS renders,
                   sum(seconds) AS seconds, sum(amount_rial) AS amount_rial
            FROM identity.usage_records
            WHERE tenant_id = :tenant AND recorded_at >= now() - make_interval(days => :days)
            GROUP BY 1
            ORDER BY 1
            """)
    List<Wallet.UsageDay> usage(@Bind("tenant") UUID tenantId, @Bind("days") int days);
}
