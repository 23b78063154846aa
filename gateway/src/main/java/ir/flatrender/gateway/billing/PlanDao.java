package ir.flatrender.gateway.billing;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** {@code identity.plans}: the plans on offer and the one a tenant is on. */
@RegisterConstructorMapper(PlanDao.PlanRow.class)
public interface PlanDao {
    /** A plan's row; its tier factors are JSON text ({@code {"720p": 1, …}}). */
    record PlanRow(
            String id,
            String nameEn,
            String nameFa,
            long priceRial,
            int includedSeconds,
            long rialPerSecond,
            String tierFactors) {}

    @SqlQuery("""
            SELECT id, name_en, name_fa, price_rial, included_seconds, rial_per_second,
                   tier_factors::text AS tier_factors
            FROM identity.plans
            WHERE active
            ORDER BY sort_order, id
            """)
    List<PlanRow> active();

    @SqlQuery("""
            SELECT p.id, p.name_en, p.name_fa, p.price_rial, p.included_seconds, p.rial_per_second,
                   p.tier_factors::text AS tier_factors
            FROM identity.tenants t
            JOIN identity.plans p ON p.id = t.plan_id
            WHERE t.id = :tenant
            """)
    Optional<PlanRow> ofTenant(@Bind("tenant") UUID tenantId);
}
