package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import ir.flatrender.gateway.webhooks.WebhookTargets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the payment outbox ({@code payment.webhook_deliveries}) to the client apps' webhook
 * URLs, signed per Standard Webhooks with each app's current secret (PAYMENTS.md section 6).
 *
 * <p>Every request is HTTP/1.1. The JDK client's default, HTTP/2, sends {@code Upgrade: h2c} on
 * a plain-{@code http://} request, and a site whose server listens for upgrades (Node.js serving
 * WebSockets on the same port) takes the POST for an upgrade and never sees it.
 *
 * <p>A delivery is taken with a lease (its next attempt pushed a minute on), so a gateway that
 * dies while sending leaves it to the next one; receivers deduplicate by {@code webhook-id}. A
 * failure is retried after the next delay of the schedule, ±20 %; when the schedule is spent
 * the delivery is marked failed (the transaction can still be inquired).
 */
final class PaymentWebhooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaymentWebhooks.class);
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final int BATCH = 20;

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final List<Duration> schedule;
    private final boolean allowPrivate;
    private final HttpClient http;
    private final ScheduledExecutorService timer;

    PaymentWebhooks(Jdbi jdbi, SecretBox secrets, List<Duration> schedule, boolean allowPrivate, Duration poll) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.schedule = List.copyOf(schedule);
        this.allowPrivate = allowPrivate;
        this.http = client();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "payment-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweep, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The client webhooks are sent with: HTTP/1.1 only, no redirects followed. */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private record Due(String id, String clientId, String payload, int attempts, String url, String secret) {}

    private void sweep() {
        try {
            List<Due> due;
            do {
                due = jdbi.inTransaction(handle -> handle.createQuery("""
                                UPDATE payment.webhook_deliveries d
                                SET next_attempt_at = now() + make_interval(secs => :lease)
                                FROM payment.client_apps a
                                WHERE a.id = d.client_id AND d.id IN (
                                    SELECT id FROM payment.webhook_deliveries
                                    WHERE state = 'pending' AND next_attempt_at <= now()
                                    ORDER BY next_attempt_at LIMIT :batch FOR UPDATE SKIP LOCKED)
                                RETURNING d.id, d.client_id::text AS client, d.payload::text AS payload, d.attempts,
                                    a.webhook_url AS url, a.webhook_secret_encrypted AS secret
                                """)
                        .bind("lease", (double) LEASE.toSeconds())
                        .bind("batch", BATCH)
                        .map((rs, c) -> new Due(
                                rs.getString("id"),
                                rs.getString("client"),
                                rs.getString("payload"),
                                rs.getInt("attempts"),
                                rs.getString("url"),
                                rs.getString("secret")))
                        .list());
                due.forEach(this::deliver);
            } while (due.size() == BATCH);
        } catch (RuntimeException e) {
            log.warn("payment webhook pass failed; it is tried again: {}", e.toString());
        }
    }

    private void deliver(Due delivery) {
        Optional<Integer> status = Optional.empty();
        String error = null;
        Optional<String> refused = delivery.url() == null
                ? Optional.of("is not set")
                : WebhookTargets.problem(delivery.url(), allowPrivate);
        if (refused.isPresent()) {
            error = "the URL " + refused.get();
        } else {
            long timestamp = System.currentTimeMillis() / 1000;
            String secret = secrets.open(
                    delivery.secret(), ClientApps.webhookContext(java.util.UUID.fromString(delivery.clientId())));
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(delivery.url()))
                                .timeout(ANSWER_TIMEOUT)
                                .header("Content-Type", "application/json")
                                .header("User-Agent", "FlatRender-Payments/1")
                                .header("webhook-id", delivery.id())
                                .header("webhook-timestamp", Long.toString(timestamp))
                                .header(
                                        "webhook-signature",
                                        WebhookSignature.sign(secret, delivery.id(), timestamp, delivery.payload()))
                                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                status = Optional.of(response.statusCode());
                if (response.statusCode() / 100 != 2) {
                    error = "answered " + response.statusCode();
                }
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        record(delivery, status, error);
    }

    private void record(Due delivery, Optional<Integer> status, String error) {
        int attempts = delivery.attempts() + 1;
        boolean spent = error != null && attempts > schedule.size();
        double delay = error == null || spent
                ? 0
                : schedule.get(attempts - 1).toMillis()
                        * ThreadLocalRandom.current().nextDouble(0.8, 1.2)
                        / 1000.0;
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE payment.webhook_deliveries SET attempts = :a, last_status = :s, last_error = :e,
                            state = CASE WHEN CAST(:e AS text) IS NULL THEN 'delivered' WHEN :spent THEN 'failed'
                                ELSE 'pending' END,
                            delivered_at = CASE WHEN CAST(:e AS text) IS NULL THEN now() END,
                            next_attempt_at = now() + make_interval(secs => :delay)
                        WHERE id = :id AND state = 'pending'
                        """)
                .bind("a", attempts)
                .bind("s", status.orElse(null))
                .bind("e", error == null ? null : PaymentText.printable(error))
                .bind("spent", spent)
                .bind("delay", delay)
                .bind("id", delivery.id())
                .execute());
        if (spent) {
            log.warn(
                    "payment webhook {} to client {} failed for good after {} attempts: {}",
                    delivery.id(),
                    delivery.clientId(),
                    attempts,
                    error);
        }
    }

    /** Lets a delivery being sent finish and be recorded, then stops. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(20, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
