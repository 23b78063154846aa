package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /** The outbox of the client apps' webhooks. */
    static final WebhookDeliverer.Outbox OUTBOX = new WebhookDeliverer.Outbox(
            "payment-webhooks",
            "payment.webhook_deliveries",
            "client_id",
            "payment.client_apps",
            "webhook_url",
            "webhook_secret_encrypted",
            "pay-client-webhook:",
            Optional.empty());

    private final ClientApps clients;
    private final Transactions transactions;
    private final PaymentRoutes routes;
    private final WebhookDeliverer deliverer;
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
        this.clients = new ClientApps(jdbi, secrets, json, config.allowPrivateWebhooks(), perClient);
        this.transactions = new Transactions(jdbi, zarinPal, config, publicUrl, json);
        this.routes = new PaymentRoutes(clients, transactions, config.returnLifetime(), json);
        this.deliverer = new WebhookDeliverer(
                OUTBOX, jdbi, secrets, config.webhookSchedule(), config.allowPrivateWebhooks(), config.webhookPoll());
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

    public void register(RouteTable table) {
        clients.register(table);
        routes.register(table);
    }

    public ClientApps clients() {
        return clients;
    }

    /** One pass of reconciliation now (tests, and the admin's "reconcile"); also runs on its own. */
    public Transactions.Reconciled reconcileNow() {
        Transactions.Reconciled done = transactions.reconcile();
        clients.sweepNonces();
        return done;
    }

    private void reconcileQuietly() {
        try {
            Transactions.Reconciled done = reconcileNow();
            if (done.verified() + done.expired() > 0) {
                log.info("reconciliation: {} payment(s) verified, {} expired", done.verified(), done.expired());
            }
        } catch (RuntimeException e) {
            log.warn("reconciliation failed; it runs again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        deliverer.close();
    }
}
