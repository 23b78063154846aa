package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Plans and quotes ({@link Wallet} keeps the money). Money is Rial (a {@code long}); Toman is Rial / 10, for
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

    private final Jdbi jdbi;
    private final ObjectMapper json;

    public Billing(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** The plans on offer, in their order. */
    public List<Plan> plans() {
        return jdbi.withExtension(PlanDao.class, PlanDao::active).stream()
                .map(this::plan)
                .toList();
    }

    /** The tenant's plan; 409 when it has none. */
    public Plan planOf(UUID tenantId) {
        return jdbi.withExtension(PlanDao.class, plans -> plans.ofTenant(tenantId))
                .map(this::plan)
                .orElseThrow(() -> Problem.of(409, "no-plan", "No plan", "the tenant has no plan; choose one"));
    }

    private Plan plan(PlanDao.PlanRow row) {
        try {
            return new Plan(
                    row.id(),
                    row.nameEn(),
                    row.nameFa(),
                    row.priceRial(),
                    row.includedSeconds(),
                    row.rialPerSecond(),
                    json.readValue(row.tierFactors(), new TypeReference<Map<String, Integer>>() {}));
        } catch (IOException e) {
            throw new IllegalStateException("plan " + row.id() + " has bad tier factors", e);
        }
    }

    /**
     * The quote of a whole template {@code length} seconds long at a tier under a plan; a
     * validation problem for a tier it lacks.
     */
    public static Quote quote(Plan plan, String templateId, double length, String tier) {
        Integer factor = plan.tierFactors().get(tier);
        if (factor == null) {
            throw Problem.invalidField(
                    "tier", "must be one of " + plan.tierFactors().keySet());
        }
        int seconds = (int) Math.ceil(length - 1e-9) * factor;
        return new Quote(templateId, tier, length, factor, seconds, seconds * plan.rialPerSecond());
    }
}
