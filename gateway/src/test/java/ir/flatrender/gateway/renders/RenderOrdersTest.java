package ir.flatrender.gateway.renders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.gateway.billing.Wallet;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.uploads.Upload;
import ir.flatrender.gateway.uploads.Uploads;
import ir.flatrender.gateway.uploads.UploadsTest;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Render orders against the real database and an in-memory farm ({@link TestingRenderFarm}). */
class RenderOrdersTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("test-request", "127.0.0.1");
    /** The free plan's price of the sample template (3 s) at 720p (factor 1): 3 × 10,000 Rial. */
    private static final long CHARGE = 30_000;

    private Jdbi jdbi;
    private TestingRenderFarm farm;
    private Wallet wallet;
    private RenderOrders orders;
    private Uploads uploads;
    private UUID tenant;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void newTenant() {
        jdbi = postgres.database().jdbi();
        farm = new TestingRenderFarm();
        wallet = new Wallet(jdbi, JSON);
        uploads = new Uploads(jdbi, JSON);
        orders = new RenderOrders(jdbi, new Billing(jdbi, JSON), wallet, farm, uploads, JSON);
        tenant = tenant("free");
    }

    private UUID tenant(String plan) {
        return TestingTenants.tenant(jdbi, plan);
    }

    private void credit(long rial) {
        jdbi.useHandle(h -> wallet.credit(h, tenant, rial, "test"));
    }

    private Wallet.Balance balance() {
        return wallet.balance(tenant);
    }

    private long renders() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM identity.renders WHERE tenant_id = :t")
                .bind("t", tenant)
                .mapTo(Long.class)
                .one());
    }

    private Principal principal() {
        return new Principal(
                tenant, Optional.empty(), Optional.of("key-1"), Principal.Role.EDITOR, false, List.of("renders:write"));
    }

    private static RenderOrders.Order order(String title, String key) {
        ObjectNode bindings = JSON.createObjectNode().put("title", title);
        return new RenderOrders.Order("sample", "16:9", "720p", bindings, Optional.ofNullable(key));
    }

    private RenderOrders.Submitted submit(RenderOrders.Order order) {
        return orders.submit(principal(), order, ORIGIN);
    }

    private static Problem problem(Runnable call) {
        try {
            call.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("no problem was thrown");
    }

    @Test
    void anOrderIsHeldForSubmittedAndQueued() {
        credit(100_000);

        RenderOrders.Submitted submitted = submit(order("a", null));

        assertThat(submitted.replayed()).isFalse();
        Render render = submitted.render();
        assertThat(render.state()).isEqualTo("queued");
        assertThat(render.chargeSeconds()).isEqualTo(3);
        assertThat(render.chargeRial()).isEqualTo(CHARGE);
        assertThat(render.jobId()).isNotNull();
        assertThat(farm.submitted).singleElement().satisfies(job -> {
            assertThat(job.tenantId()).isEqualTo(tenant);
            assertThat(job.idempotencyKey()).isEqualTo("gateway-render-" + render.id());
        });
        assertThat(balance()).isEqualTo(new Wallet.Balance(100_000 - CHARGE, CHARGE, 0, 100_000));
        assertThat(orders.render(tenant, render.id())).contains(render);
        assertThat(orders.render(tenant("free"), render.id())).isEmpty();
    }

    @Test
    void anUploadNamedInTheBindingsReachesTheFarmAsItsBytesAndTheRenderKeepsItsName() throws Exception {
        credit(100_000);
        byte[] png = UploadsTest.png(40, 20);
        Upload logo =
                uploads.store(principal(), png, Optional.of("logo.png"), ORIGIN).upload();
        ObjectNode bindings = JSON.createObjectNode().put("title", "a").put("logo", logo.binding());

        Render render = submit(new RenderOrders.Order("sample", "16:9", "720p", bindings, Optional.empty()))
                .render();

        assertThat(JSON.readTree(render.bindings()).path("logo").asText()).isEqualTo("upload:" + logo.id());
        assertThat(farm.submitted)
                .singleElement()
                .satisfies(job -> assertThat(job.bindings().path("logo").asText())
                        .isEqualTo("data:image/png;base64,"
                                + java.util.Base64.getEncoder().encodeToString(png)));
    }

    @Test
    void anotherTenantsUploadIsNoUploadAndNothingIsHeld() throws Exception {
        credit(100_000);
        UUID other = tenant("free");
        Principal stranger = new Principal(
                other, Optional.empty(), Optional.of("key-2"), Principal.Role.EDITOR, false, List.of("renders:write"));
        Upload theirs = uploads.store(stranger, UploadsTest.png(8, 8), Optional.empty(), ORIGIN)
                .upload();
        ObjectNode bindings = JSON.createObjectNode().put("title", "a").put("logo", theirs.binding());

        Problem problem =
                problem(() -> submit(new RenderOrders.Order("sample", "16:9", "720p", bindings, Optional.empty())));

        assertThat(problem.status()).isEqualTo(422);
        assertThat(problem.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("bindings.logo");
            assertThat(error.message()).contains("no upload " + theirs.id());
        });
        assertThat(farm.submitted).isEmpty();
        assertThat(renders()).isZero();
        assertThat(balance().availableRial()).isEqualTo(100_000);
    }

    @Test
    void anIdempotentResubmitAnswersTheSameRenderChargedOnce() {
        credit(100_000);

        Render first = submit(order("a", "order-1")).render();
        RenderOrders.Submitted again = submit(order("a", "order-1"));

        assertThat(again.replayed()).isTrue();
        assertThat(again.render()).isEqualTo(first);
        assertThat(farm.submitted).hasSize(1);
        assertThat(renders()).isEqualTo(1);
        assertThat(balance().availableRial()).isEqualTo(100_000 - CHARGE);
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefused() {
        credit(100_000);
        submit(order("a", "order-1"));

        Problem refused = problem(() -> submit(order("b", "order-1")));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.type()).endsWith("idempotency-key-reused");
        assertThat(renders()).isEqualTo(1);
    }

    @Test
    void insufficientCreditIsRefusedWithNothingHeld() {
        credit(CHARGE - 1);

        Problem refused = problem(() -> submit(order("a", "order-1")));

        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.type()).endsWith("insufficient-balance");
        assertThat(refused.getMessage()).isEqualTo("this render costs 30000 Rial; the wallet has 29999 available");
        assertThat(renders()).isZero();
        assertThat(farm.submitted).isEmpty();
        assertThat(balance()).isEqualTo(new Wallet.Balance(CHARGE - 1, 0, 0, CHARGE - 1));
    }

    @Test
    void anOrderPastTheMonthlyQuotaIsRefused() {
        credit(1_000_000);
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity.tenants SET monthly_quota_seconds = 5 WHERE id = :t")
                .bind("t", tenant)
                .execute());
        submit(order("a", null));

        Problem refused = problem(() -> submit(order("b", null)));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.type()).endsWith("quota-exhausted");
        assertThat(refused.getMessage()).isEqualTo("this render needs 3 render seconds; 3 of 5 are used this month");
        assertThat(renders()).isEqualTo(1);
        assertThat(balance().heldRial()).isEqualTo(CHARGE);
    }

    @Test
    void aRefusalOfTheFarmLeavesNoRenderAndReleasesTheHold() {
        credit(100_000);
        farm.refuseNext(Problem.invalidField("bindings.title", "is too long"));

        Problem refused = problem(() -> submit(order("a", "order-1")));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errors()).extracting(Problem.FieldError::field).containsExactly("bindings.title");
        assertThat(renders()).isZero();
        assertThat(balance()).isEqualTo(new Wallet.Balance(100_000, 0, 0, 100_000));
        // The key is free again: the next try is a new render.
        assertThat(submit(order("a", "order-1")).replayed()).isFalse();
    }

    @Test
    void anUnknownTemplateOrTierIsAFieldProblemAndATenantWithoutAPlanAConflict() {
        credit(100_000);

        assertThat(problem(() -> orders.submit(
                                principal(),
                                new RenderOrders.Order(
                                        "missing", "16:9", "720p", JSON.createObjectNode(), Optional.empty()),
                                ORIGIN))
                        .errors())
                .containsExactly(new Problem.FieldError("template", "no template missing"));
        assertThat(problem(() -> orders.submit(
                                principal(),
                                new RenderOrders.Order(
                                        "sample", "16:9", "8k", JSON.createObjectNode(), Optional.empty()),
                                ORIGIN))
                        .errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("tier");
        tenant = tenant(null);
        assertThat(problem(() -> submit(order("a", null))).status()).isEqualTo(409);
        assertThat(farm.submitted).isEmpty();
    }

    @Test
    void concurrentOrdersOfOneTenantNeverOverdrawItsWallet() throws Exception {
        credit(5 * CHARGE);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String title = "render " + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    try {
                        submit(order(title, null));
                        return 201;
                    } catch (Problem p) {
                        return p.status();
                    }
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 402).hasSize(threads - 5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance()).isEqualTo(new Wallet.Balance(0, 5 * CHARGE, 0, 5 * CHARGE));
        assertThat(renders()).isEqualTo(5);
        assertThat(farm.submitted).hasSize(5);
    }

    @Test
    void concurrentOrdersWithOneKeyMakeOneRender() throws Exception {
        credit(100 * CHARGE);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RenderOrders.Submitted>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return submit(order("a", "order-1"));
                }));
            }
            start.countDown();
            List<UUID> ids = new ArrayList<>();
            for (Future<RenderOrders.Submitted> answer : answers) {
                ids.add(answer.get(60, TimeUnit.SECONDS).render().id());
            }
            assertThat(ids).containsOnly(ids.get(0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(renders()).isEqualTo(1);
        assertThat(farm.submitted).hasSize(1);
        assertThat(balance().heldRial()).isEqualTo(CHARGE);
    }

    @Test
    void aSucceededJobCapturesTheHoldOnceAndRecordsUsage() {
        credit(100_000);
        Render render = submit(order("a", null)).render();
        farm.move(render.jobId(), "succeeded", "");

        orders.settleOpen();
        orders.settleOpen();

        assertThat(orders.render(tenant, render.id()).orElseThrow().state()).isEqualTo("succeeded");
        assertThat(balance()).isEqualTo(new Wallet.Balance(100_000 - CHARGE, 0, CHARGE, 100_000));
        List<Integer> usage =
                jdbi.withHandle(h -> h.createQuery("SELECT seconds FROM identity.usage_records WHERE render_id = :r")
                        .bind("r", render.id())
                        .mapTo(Integer.class)
                        .list());
        assertThat(usage).containsExactly(3);
    }

    @Test
    void aFailedJobReleasesTheHoldWithItsError() {
        credit(100_000);
        Render render = submit(order("a", null)).render();
        farm.move(render.jobId(), "rendering", "");
        orders.settleOpen();
        assertThat(orders.render(tenant, render.id()).orElseThrow().state()).isEqualTo("rendering");
        assertThat(balance().heldRial()).isEqualTo(CHARGE);

        farm.move(render.jobId(), "failed", "the engine crashed");
        orders.settleOpen();

        Render failed = orders.render(tenant, render.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo("failed");
        assertThat(failed.error()).isEqualTo("the engine crashed");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(balance()).isEqualTo(new Wallet.Balance(100_000, 0, 0, 100_000));
    }
}
