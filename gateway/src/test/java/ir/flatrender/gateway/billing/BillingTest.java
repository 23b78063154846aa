package ir.flatrender.gateway.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plans as the migrations seed them, a tenant's plan, and quotes. */
class BillingTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private final Billing billing = new Billing(postgres.database().jdbi(), new ObjectMapper());

    @Test
    void thePlansOnOfferAreListedInTheirOrderWithTheirTierFactors() {
        assertThat(billing.plans()).extracting(Billing.Plan::id).containsExactly("free", "pro", "business");
        assertThat(billing.plans().get(1).tierFactors())
                .containsEntry("1080p", 2)
                .containsEntry("2160p", 4);
    }

    @Test
    void aTenantsPlanIsItsOwnAndATenantWithoutOneIsAConflict() {
        assertThat(billing.planOf(UUID.fromString("00000000-0000-0000-0000-000000000001"))
                        .id())
                .isEqualTo("business");
        assertThatThrownBy(() -> billing.planOf(UUID.randomUUID()))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(409));
    }

    @Test
    void aQuoteIsWholeSecondsTimesTheTierFactorAtThePlansPrice() {
        Billing.Plan plan = new Billing.Plan("p", "P", "P", 0, 0, 1_000, Map.of("720p", 1, "1080p", 2));

        assertThat(Billing.quote(plan, "t", 2.5, "1080p")).isEqualTo(new Billing.Quote("t", "1080p", 2.5, 2, 6, 6_000));
        assertThat(Billing.quote(plan, "t", 3.0, "720p").chargeSeconds()).isEqualTo(3);
        assertThatThrownBy(() -> Billing.quote(plan, "t", 3.0, "8k"))
                .isInstanceOfSatisfying(
                        Problem.class,
                        p -> assertThat(p.errors())
                                .extracting(Problem.FieldError::field)
                                .containsExactly("tier"));
    }
}
