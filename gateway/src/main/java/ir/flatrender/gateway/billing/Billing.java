package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.proto.farm.v1.Template;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Plans, quotes and the wallet. Money is Rial (a {@code long}); Toman is Rial / 10, for
 * display. The charge of a render is {@code ceil(length in seconds) × the tier's factor}
 * render seconds, priced at the plan's Rial a second; the factors are the plan's data.
 */
public final class Billing {
    /** A plan as {@code identity.plans} holds it. */
    public record Plan(
            String id,
            String nameEn,
            String nameFa,
            long priceRial,
            int includedSeconds,
            long rialPerSecond,
            Map<String, Integer> tierFactors) {}

    /** What a render costs. */
    public record Quote(
            String templateId, String tier, double lengthSeconds, int factor, int chargeSeconds, long chargeRial) {}

    /** A tenant's wallet: what it may spend now, what is held for renders, what was spent. */
    public record Balance(long availableRial, long heldRial, long capturedRial, long creditedRial) {}

    private final ObjectMapper json;

    public Billing(ObjectMapper json) {
        this.json = requireNonNull(json, "json is null");
    }

    public List<Plan> plans(Handle handle) {
        return handle.createQuery("""
                        SELECT id, name_en, name_fa, price_rial, included_seconds, rial_per_second, tier_factors::text
                        FROM identity.plans WHERE active ORDER BY sort_order, id
                        """).map((rs, c) -> plan(rs)).list();
    }

    public Plan planOf(Handle handle, UUID tenantId) {
        return handle.createQuery("""
                        SELECT p.id, p.name_en, p.name_fa, p.price_rial, p.included_seconds, p.rial_per_second,
                               p.tier_factors::text
                        FROM identity.tenants t JOIN identity.plans p ON p.id = t.plan_id
                        WHERE t.id = :tenant
                        """)
                .bind("tenant", tenantId)
                .map((rs, c) -> plan(rs))
                .findOne()
                .orElseThrow(() -> Problem.of(409, "no-plan", "No plan", "the tenant has no plan; choose one"));
    }

    private Plan plan(java.sql.ResultSet rs) throws java.sql.SQLException {
        try {
            return new Plan(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getLong(4),
                    rs.getInt(5),
                    rs.getLong(6),
                    json.readValue(rs.getString(7), new TypeReference<Map<String, Integer>>() {}));
        } catch (IOException e) {
            throw new IllegalStateException("plan " + rs.getString(1) + " has bad tier factors", e);
        }
    }

    /** The quote of a whole template at a tier under a plan; a validation problem for a tier it lacks. */
    public static Quote quote(Plan plan, Template template, String tier) {
        return quote(plan, template.getId(), template.getDurationFrames() / (double) template.getFps(), tier);
    }

    /** The quote of a template {@code length} seconds long at a tier under a plan. */
    public static Quote quote(Plan plan, String templateId, double length, String tier) {
        Integer factor = plan.tierFactors().get(tier);
        if (factor == null) {
            throw Problem.invalidField(
                    "tier", "must be one of " + plan.tierFactors().keySet());
        }
        int seconds = (int) Math.ceil(length - 1e-9) * factor;
        return new Quote(templateId, tier, length, factor, seconds, seconds * plan.rialPerSecond());
    }

    /** Locks the tenant's wallet until the transaction ends, so balance checks do not race. */
    public static void lockWallet(Handle handle, UUID tenantId) {
        handle.createQuery("SELECT id FROM identity.tenants WHERE id = :tenant FOR UPDATE")
                .bind("tenant", tenantId)
                .mapTo(UUID.class)
                .findOne()
                .orElseThrow(() -> Problem.notFound("tenant " + tenantId));
    }

    public static Balance balance(Handle handle, UUID tenantId) {
        return handle.createQuery("""
                        SELECT coalesce(sum(amount_rial) FILTER (WHERE kind = 'credit'), 0) AS credited,
                               coalesce(sum(amount_rial) FILTER (WHERE kind = 'hold'), 0) AS held,
                               coalesce(sum(amount_rial) FILTER (WHERE kind = 'capture'), 0) AS captured,
                               coalesce(sum(amount_rial) FILTER (WHERE kind = 'release'), 0) AS released
                        FROM identity.ledger_entries WHERE tenant_id = :tenant
                        """)
                .bind("tenant", tenantId)
                .map((rs, c) -> {
                    long credited = rs.getLong("credited");
                    long held = rs.getLong("held");
                    long captured = rs.getLong("captured");
                    long released = rs.getLong("released");
                    return new Balance(credited - held + released, held - captured - released, captured, credited);
                })
                .one();
    }

    /** Render seconds charged this calendar month (UTC) to renders that did not fail or get cancelled. */
    public static long usedThisMonth(Handle handle, UUID tenantId) {
        return handle.createQuery("""
                        SELECT coalesce(sum(charge_seconds), 0) FROM identity.renders
                        WHERE tenant_id = :tenant AND state NOT IN ('failed', 'cancelled')
                          AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                        """)
                .bind("tenant", tenantId)
                .mapTo(Long.class)
                .one();
    }

    public static Optional<Integer> monthlyQuota(Handle handle, UUID tenantId) {
        return handle.createQuery("SELECT monthly_quota_seconds FROM identity.tenants WHERE id = :tenant")
                .bind("tenant", tenantId)
                .mapTo(Integer.class)
                .findOne();
    }

    public static long entry(
            Handle handle, UUID tenantId, String kind, long amountRial, UUID renderId, String reference) {
        return handle.createQuery("""
                        INSERT INTO identity.ledger_entries (tenant_id, kind, amount_rial, render_id, reference)
                        VALUES (:tenant, :kind, :amount, :render, :reference) RETURNING id
                        """)
                .bind("tenant", tenantId)
                .bind("kind", kind)
                .bind("amount", amountRial)
                .bind("render", renderId)
                .bind("reference", reference)
                .mapTo(Long.class)
                .one();
    }
}
