package ir.flatrender.gateway.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plan checkouts against the real database and an in-memory broker. */
class PlanCheckoutsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The seeded pro plan's price. */
    private static final long PRO = 4_900_000;

    /** Answers every request with a new transaction, or refuses the next one when armed. */
    private static final class TestingBroker implements CheckoutBroker {
        final List<String> orders = new CopyOnWriteArrayList<>();
        final AtomicReference<Problem> refusal = new AtomicReference<>();

        @Override
        public Requested request(long amountRial, String orderId, String description, String returnUrl) {
            Problem refused = refusal.getAndSet(null);
            if (refused != null) {
                throw refused;
            }
            orders.add(orderId + " " + amountRial + " " + description + " " + returnUrl);
            UUID transaction = UUID.randomUUID();
            return new Requested(transaction, "https://pay.example/StartPay/" + transaction);
        }
    }

    private Jdbi jdbi;
    private Wallet wallet;
    private TestingBroker broker;
    private PlanCheckouts checkouts;
    private UUID tenant;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void newTenant() {
        jdbi = postgres.database().jdbi();
        wallet = new Wallet(jdbi, JSON);
        broker = new TestingBroker();
        checkouts = new PlanCheckouts(jdbi, wallet, broker, JSON);
        tenant = TestingTenants.tenant(jdbi, "free");
    }

    private Principal owner() {
        return new Principal(tenant, Optional.empty(), Optional.empty(), Principal.Role.OWNER, false, List.of());
    }

    private String planOf() {
        return jdbi.withHandle(h -> h.createQuery("SELECT plan_id FROM identity.tenants WHERE id = :t")
                .bind("t", tenant)
                .mapTo(String.class)
                .one());
    }

    @Test
    void aCheckoutAsksTheBrokerForThePlansPrice() {
        CheckoutDao.Checkout checkout = checkouts.start(owner(), "pro", "https://flatrender.example/return");

        assertThat(checkout.state()).isEqualTo("pending");
        assertThat(checkout.amountRial()).isEqualTo(PRO);
        assertThat(checkout.paymentUrl()).startsWith("https://pay.example/StartPay/");
        assertThat(checkout.refId()).isNull();
        assertThat(broker.orders)
                .containsExactly("checkout-" + checkout.id() + " " + PRO + " FlatRender Pro plan"
                        + " https://flatrender.example/return");
        assertThat(checkouts.byOrder("checkout-" + checkout.id())).contains(checkout);
        assertThat(checkouts.find(checkout.id(), TestingTenants.tenant(jdbi, "free")))
                .isEmpty();
    }

    @Test
    void aFreeOrUnknownPlanIsNotCheckedOut() {
        assertThatThrownBy(() -> checkouts.start(owner(), "free", "r"))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.getMessage()).isEqualTo("plan_id: is free: nothing to pay"));
        assertThatThrownBy(() -> checkouts.start(owner(), "platinum", "r"))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.getMessage()).isEqualTo("plan_id: is not an active plan"));
        assertThat(broker.orders).isEmpty();
    }

    @Test
    void aRefusalOfTheBrokerFailsTheCheckout() {
        broker.refusal.set(Problem.of(502, "payment-broker-refused", "Refused", "no"));

        assertThatThrownBy(() -> checkouts.start(owner(), "pro", "r"))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(502));

        List<String> states =
                jdbi.withHandle(h -> h.createQuery("SELECT state FROM identity.checkouts WHERE tenant_id = :t")
                        .bind("t", tenant)
                        .mapTo(String.class)
                        .list());
        assertThat(states).containsExactly("failed");
    }

    @Test
    void aPaidCheckoutCreditsTheWalletAndMovesThePlanOnceHoweverOftenItIsReported() {
        CheckoutDao.Checkout checkout = checkouts.start(owner(), "pro", "r");

        // A reference past 2^63, as ZarinPal may give: kept as it came.
        checkouts.paid(checkout.id(), PRO, "18446744073709551617", "msg_1");
        checkouts.paid(checkout.id(), PRO, "18446744073709551617", "msg_2");

        assertThat(checkouts.find(checkout.id(), tenant).orElseThrow()).satisfies(c -> {
            assertThat(c.state()).isEqualTo("paid");
            assertThat(c.refId()).isEqualTo("18446744073709551617");
        });
        assertThat(wallet.balance(tenant)).isEqualTo(new Wallet.Balance(PRO, 0, 0, PRO));
        assertThat(planOf()).isEqualTo("pro");
        // A failure reported after it was paid changes nothing.
        checkouts.failed(checkout.id());
        assertThat(checkouts.find(checkout.id(), tenant).orElseThrow().state()).isEqualTo("paid");
    }

    @Test
    void aPaymentOfAnotherAmountChangesNothingAndAFailureFailsAPendingCheckout() {
        CheckoutDao.Checkout checkout = checkouts.start(owner(), "pro", "r");

        checkouts.paid(checkout.id(), PRO - 1, "1", "msg_1");
        assertThat(checkouts.find(checkout.id(), tenant).orElseThrow().state()).isEqualTo("pending");
        assertThat(wallet.balance(tenant).creditedRial()).isZero();

        checkouts.failed(checkout.id());
        assertThat(checkouts.find(checkout.id(), tenant).orElseThrow().state()).isEqualTo("failed");
        assertThat(planOf()).isEqualTo("free");
    }

    @Test
    void onlyCheckoutOrderIdsNameACheckout() {
        UUID id = UUID.randomUUID();
        assertThat(PlanCheckouts.checkoutOf("checkout-" + id)).contains(id);
        assertThat(PlanCheckouts.checkoutOf("order-" + id)).isEmpty();
        assertThat(PlanCheckouts.checkoutOf("checkout-x")).isEmpty();
        assertThat(PlanCheckouts.checkoutOf(null)).isEmpty();
        assertThat(checkouts.byOrder("checkout-" + id)).isEmpty();
    }
}
