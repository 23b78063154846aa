package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.MoreExecutors;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.SecretBox;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment broker inside the gateway (seed 001): client apps, their payments through
 * ZarinPal, the webhooks telling them the outcome, and reconciliation. It runs over its own
 * database pool, as the {@code flatrender_payment} role.
 */
public final class PaymentBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaymentBroker.class);

    /** Callbacks' verifications at once, and waiting; more are shown the "confirming" page. */
    private static final int VERIFIERS = 4;

    private static final int VERIFY_QUEUE = 200;

    private final ClientApps clients;
    private final boolean allowPrivateWebhooks;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final Transactions transactions;
    private final PaymentRoutes routes;
    private final PaymentWebhooks deliverer;
    private final ThreadPoolExecutor verifiers;
    private final ScheduledExecutorService reconciler;

    /** @param perClient the rate limit of one client app's signed calls */
    public PaymentBroker(
            Jdbi jdbi,
            PaymentConfig config,
            SecretBox secrets,
            ir.flatrender.gateway.http.RateLimiter perClient,
            Supplier<String> ownUrl,
            ObjectMapper json) {
        requireNonNull(jdbi, "jdbi is null");
        requireNonNull(config, "config is null");
        Supplier<String> publicUrl =
                config.publicUrl().isPresent() ? () -> config.publicUrl().get() : ownUrl;
        ZarinPal zarinPal = new ZarinPal(config.zarinPalUrl(), config.zarinPalTimeout(), json);
        this.clients = new ClientApps(jdbi, secrets, perClient);
        AtomicInteger verifierCount = new AtomicInteger();
        this.verifiers = new ThreadPoolExecutor(
                VERIFIERS, VERIFIERS, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(VERIFY_QUEUE), r -> {
                    Thread thread = new Thread(r, "payment-verify-" + verifierCount.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        verifiers.allowCoreThreadTimeOut(true);
        this.transactions = new Transactions(jdbi, zarinPal, config, publicUrl, json, verifiers);
        this.allowPrivateWebhooks = config.allowPrivateWebhooks();
        this.json = json;
        this.routes = new PaymentRoutes(clients, transactions, config, json);
        this.deliverer = new PaymentWebhooks(
                jdbi, secrets, config.webhookSchedule(), config.allowPrivateWebhooks(), config.webhookPoll());
        this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "payment-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        long period = config.reconcilePeriod().toMillis();
        reconciler.scheduleWithFixedDelay(this::reconcileQuietly, period, period, TimeUnit.MILLISECONDS);
        log.info(
                "payment broker: ZarinPal at {}, reconciliation every {}",
                config.zarinPalUrl(),
                config.reconcilePeriod());
    }

    /** Its routes; the client apps' changes are written to the audit log with {@code audit}. */
    public void register(RouteTable table, ir.flatrender.gateway.identity.AdminAudit audit) {
        new ClientAppRoutes(clients, allowPrivateWebhooks, audit, json).register(table);
        routes.register(table);
    }

    public ClientApps clients() {
        return clients;
    }

    /** One pass of reconciliation now (tests, and the admin's "reconcile"); also runs on its own. */
    public Reconciliation.Reconciled reconcileNow() {
        Reconciliation.Reconciled done = transactions.reconcile();
        clients.sweepNonces();
        return done;
    }

    private void reconcileQuietly() {
        try {
            Reconciliation.Reconciled done = reconcileNow();
            if (done.verified() + done.expired() > 0) {
                log.info("reconciliation: {} payment(s) verified, {} expired", done.verified(), done.expired());
            }
        } catch (RuntimeException e) {
            log.warn("reconciliation failed; it runs again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(reconciler, Duration.ofSeconds(10));
        MoreExecutors.shutdownAndAwaitTermination(verifiers, Duration.ofSeconds(10));
        deliverer.close();
    }
}
