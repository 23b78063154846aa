package ir.flatrender.gateway.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.time.LocalDate;
import java.time.ZoneOffset;
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

/** The wallet's ledger, statement, quota and usage against the real database. */
class WalletTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("request-1", "10.0.0.7");

    private Jdbi jdbi;
    private Wallet wallet;
    private UUID tenant;
    private UUID admin;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void newTenant() {
        jdbi = postgres.database().jdbi();
        wallet = new Wallet(jdbi, JSON);
        tenant = TestingTenants.tenant(jdbi, "free");
        admin = jdbi.withHandle(h -> h.createQuery(
                        "INSERT INTO identity.users (email, name, password_hash, farm_admin) VALUES (:e, 'Admin', 'x', true)"
                                + " RETURNING id")
                .bind("e", tenant + "@example.com")
                .mapTo(UUID.class)
                .one());
    }

    private Principal administrator() {
        return new Principal(tenant, Optional.of(admin), Optional.empty(), Principal.Role.OWNER, true, List.of());
    }

    /** A render row to hang holds and usage on. */
    private UUID render(long chargeRial) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO identity.renders (tenant_id, request_sha256, template_id, aspect, tier, bindings,
                            charge_seconds, charge_rial, state)
                        VALUES (:t, 'x', 'sample', '16:9', '720p', '{}', 3, :rial, 'queued')
                        RETURNING id
                        """)
                .bind("t", tenant)
                .bind("rial", chargeRial)
                .mapTo(UUID.class)
                .one());
    }

    @Test
    void anAdministratorsCreditIsAnEntryAndAnAuditRecord() {
        long entry = wallet.credit(administrator(), tenant, 500_000, "welcome", ORIGIN);

        Wallet.Statement statement = wallet.statement(tenant);
        assertThat(statement.balance()).isEqualTo(new Wallet.Balance(500_000, 0, 0, 500_000));
        assertThat(statement.entries()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(entry);
            assertThat(e.kind()).isEqualTo("credit");
            assertThat(e.renderId()).isNull();
            assertThat(e.reference()).isEqualTo("admin:" + admin + ":welcome");
        });
        List<String> audit = jdbi.withHandle(
                h -> h.createQuery("""
                        SELECT action || ' ' || target || ' ' || (details->>'amount_rial') || ' ' || host(ip)
                        FROM identity.audit_log WHERE tenant_id = :t AND request_id = 'request-1'
                        """).bind("t", tenant).mapTo(String.class).list());
        assertThat(audit).containsExactly("wallet.credited tenant:" + tenant + " 500000 10.0.0.7");
    }

    @Test
    void aCreditForNoTenantIsNotFoundAndAnApiKeyMayNotCredit() {
        UUID nobody = UUID.randomUUID();
        assertThatThrownBy(() -> wallet.credit(administrator(), nobody, 1, "x", ORIGIN))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(404));
        Principal key =
                new Principal(tenant, Optional.empty(), Optional.of("key-1"), Principal.Role.OWNER, true, List.of());
        assertThatThrownBy(() -> wallet.credit(key, tenant, 1, "x", ORIGIN))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(403));
        assertThat(wallet.balance(tenant).creditedRial()).isZero();
    }

    @Test
    void aHoldIsTakenThenCapturedOrReleased() {
        jdbi.useHandle(h -> wallet.credit(h, tenant, 100_000, "test"));
        UUID captured = render(30_000);
        UUID released = render(20_000);
        UUID free = render(0);
        jdbi.useTransaction(h -> {
            wallet.hold(h, tenant, captured, 30_000);
            wallet.hold(h, tenant, released, 20_000);
            wallet.hold(h, tenant, free, 0);
        });
        assertThat(wallet.balance(tenant)).isEqualTo(new Wallet.Balance(50_000, 50_000, 0, 100_000));

        jdbi.useTransaction(h -> {
            wallet.settle(h, tenant, captured, 30_000, true, "succeeded");
            wallet.settle(h, tenant, released, 20_000, false, "failed");
            wallet.settle(h, tenant, free, 0, true, "succeeded");
        });

        Wallet.Statement statement = wallet.statement(tenant);
        assertThat(statement.balance()).isEqualTo(new Wallet.Balance(70_000, 0, 30_000, 100_000));
        assertThat(statement.entries())
                .extracting(Wallet.Entry::kind)
                .containsExactly("release", "capture", "hold", "hold", "credit");
        assertThat(statement.entries().get(0).reference()).isEqualTo("render:" + released + ":failed");
    }

    @Test
    void aRenderIsSettledOnce() {
        jdbi.useHandle(h -> wallet.credit(h, tenant, 100_000, "test"));
        UUID render = render(30_000);
        jdbi.useTransaction(h -> wallet.hold(h, tenant, render, 30_000));
        jdbi.useTransaction(h -> wallet.settle(h, tenant, render, 30_000, true, "succeeded"));

        assertThatThrownBy(() -> jdbi.useTransaction(h -> wallet.settle(h, tenant, render, 30_000, false, "failed")))
                .hasMessageContaining("ledger_one_settlement");
        assertThat(wallet.balance(tenant)).isEqualTo(new Wallet.Balance(70_000, 0, 30_000, 100_000));
    }

    @Test
    void fundsAreCheckedAgainstTheQuotaThenTheBalance() {
        Billing.Quote quote = new Billing.Quote("sample", "720p", 3.0, 1, 3, 30_000);
        jdbi.useHandle(h -> wallet.credit(h, tenant, 29_999, "test"));
        assertThatThrownBy(() -> jdbi.useTransaction(h -> wallet.requireFunds(h, tenant, quote)))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(402));

        assertThat(wallet.setMonthlyQuota(tenant, 2)).isTrue();
        assertThatThrownBy(() -> jdbi.useTransaction(h -> wallet.requireFunds(h, tenant, quote)))
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.status()).isEqualTo(403));
        assertThat(wallet.statement(tenant).monthlyQuotaSeconds()).contains(2);
        assertThat(wallet.setMonthlyQuota(UUID.randomUUID(), 2)).isFalse();
    }

    @Test
    void concurrentLockedChecksAndHoldsNeverOverdraw() throws Exception {
        jdbi.useHandle(h -> wallet.credit(h, tenant, 3 * 10_000, "test"));
        Billing.Quote quote = new Billing.Quote("sample", "720p", 1.0, 1, 1, 10_000);
        int threads = 10;
        List<UUID> renders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            renders.add(render(10_000));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> held = new ArrayList<>();
        try {
            for (UUID render : renders) {
                held.add(pool.submit(() -> {
                    start.await();
                    try {
                        jdbi.useTransaction(h -> {
                            wallet.lock(h, tenant);
                            wallet.requireFunds(h, tenant, quote);
                            wallet.hold(h, tenant, render, 10_000);
                        });
                        return true;
                    } catch (Problem p) {
                        return false;
                    }
                }));
            }
            start.countDown();
            long taken = 0;
            for (Future<Boolean> f : held) {
                taken += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(taken).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(wallet.balance(tenant)).isEqualTo(new Wallet.Balance(0, 30_000, 0, 30_000));
    }

    @Test
    void usageIsSummedADayInUtc() {
        UUID first = render(30_000);
        UUID second = render(20_000);
        jdbi.useHandle(h -> {
            h.createUpdate("""
                            INSERT INTO identity.usage_records (tenant_id, render_id, seconds, amount_rial, recorded_at)
                            VALUES (:t, :a, 3, 30000, now()), (:t, :b, 2, 20000, now() - interval '40 days')
                            """)
                    .bind("t", tenant)
                    .bind("a", first)
                    .bind("b", second)
                    .execute();
        });

        assertThat(wallet.usage(tenant, 30))
                .containsExactly(new Wallet.UsageDay(LocalDate.now(ZoneOffset.UTC), 1, 3, 30_000));
        assertThat(wallet.usage(tenant, 60)).hasSize(2);
    }
}
