package ir.flatrender.gateway.billing;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Resellers' monthly invoices against the real database. */
class InvoicesTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final YearMonth MONTH = YearMonth.of(2026, 3);

    private Jdbi jdbi;
    private Invoices invoices;
    private UUID reseller;
    private Principal farmAdmin;

    @BeforeEach
    void reseller() {
        jdbi = postgres.database().jdbi();
        invoices = new Invoices(jdbi, Clock.systemUTC());
        farmAdmin = new Principal(
                TestingTenants.tenant(jdbi, "free"),
                Optional.of(UUID.randomUUID()),
                Optional.empty(),
                Principal.Role.OWNER,
                true,
                List.of());
        reseller = TestingTenants.tenant(jdbi, "free");
        invoices.setKind(farmAdmin, reseller, "reseller");
    }

    private Principal adminOf(UUID tenant) {
        return new Principal(
                tenant, Optional.of(UUID.randomUUID()), Optional.empty(), Principal.Role.ADMIN, false, List.of());
    }

    /** A render of {@code tenant} and its usage at {@code at}. */
    private void usage(UUID tenant, long seconds, long rial, OffsetDateTime at) {
        jdbi.useHandle(h -> {
            UUID render = h.createQuery("""
                            INSERT INTO identity.renders (tenant_id, request_sha256, template_id, aspect, tier, bindings,
                                charge_seconds, charge_rial, state)
                            VALUES (:t, 'x', 'sample', '16:9', '720p', '{}', :s, :r, 'succeeded')
                            RETURNING id
                            """)
                    .bind("t", tenant)
                    .bind("s", seconds)
                    .bind("r", rial)
                    .mapTo(UUID.class)
                    .one();
            h.createUpdate("""
                            INSERT INTO identity.usage_records (tenant_id, render_id, seconds, amount_rial, recorded_at)
                            VALUES (:t, :r, :s, :a, :at)
                            """)
                    .bind("t", tenant)
                    .bind("r", render)
                    .bind("s", seconds)
                    .bind("a", rial)
                    .bind("at", at)
                    .execute();
        });
    }

    private static OffsetDateTime day(int month, int day) {
        return OffsetDateTime.of(2026, month, day, 12, 0, 0, 0, ZoneOffset.UTC);
    }

    @Test
    void aResellersMonthIsInvoicedOnceFromItsUsageInThatMonth() {
        usage(reseller, 3, 30_000, day(3, 1));
        usage(reseller, 2, 20_000, day(3, 31));
        usage(reseller, 5, 50_000, day(4, 1));

        assertThat(invoices.make(MONTH)).isEqualTo(1);
        assertThat(invoices.make(MONTH)).isZero();

        assertThat(invoices.ofTenant(adminOf(reseller))).singleElement().satisfies(invoice -> {
            assertThat(invoice.period()).isEqualTo(MONTH);
            assertThat(invoice.renders()).isEqualTo(2);
            assertThat(invoice.seconds()).isEqualTo(5);
            assertThat(invoice.amountRial()).isEqualTo(50_000);
        });
    }

    @Test
    void aCustomerIsNotInvoicedAndSeesOnlyItsOwnInvoices() {
        UUID customer = TestingTenants.tenant(jdbi, "free");
        usage(customer, 3, 30_000, day(3, 2));
        usage(reseller, 3, 30_000, day(3, 2));

        invoices.make(MONTH);

        assertThat(invoices.ofTenant(adminOf(customer))).isEmpty();
        assertThat(invoices.ofTenant(adminOf(reseller))).hasSize(1);
    }

    @Test
    void onlyAFarmAdministratorRunsAMonthAndNotOneInTheFuture() {
        assertThat(status(() -> invoices.run(adminOf(reseller), MONTH))).isEqualTo(403);
        assertThat(status(() ->
                        invoices.run(farmAdmin, YearMonth.now(ZoneOffset.UTC).plusMonths(1))))
                .isEqualTo(422);
        assertThat(status(() -> invoices.run(farmAdmin, MONTH))).isEqualTo(200);
    }

    @Test
    void aTenantsKindIsSetByAFarmAdministratorOnlyAndThePlatformsNever() {
        UUID platform =
                jdbi.withHandle(h -> h.createQuery("SELECT id FROM identity.tenants WHERE kind = 'platform' LIMIT 1")
                        .mapTo(UUID.class)
                        .findOne()
                        .orElseThrow());

        assertThat(status(() -> invoices.setKind(adminOf(reseller), reseller, "customer")))
                .isEqualTo(403);
        assertThat(status(() -> invoices.setKind(farmAdmin, platform, "reseller")))
                .isEqualTo(404);
        assertThat(status(() -> invoices.setKind(farmAdmin, UUID.randomUUID(), "reseller")))
                .isEqualTo(404);
        assertThat(status(() -> invoices.setKind(farmAdmin, reseller, "platform")))
                .isEqualTo(422);
    }
}
