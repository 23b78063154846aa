package ir.flatrender.gateway.webhooks;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.identity.SecretBox;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's due deliveries, signed per Standard Webhooks. A delivery is taken with a
 * lease (its next attempt pushed a minute on), so a gateway that dies while sending leaves it
 * to be sent again by the next one; receivers deduplicate by {@code webhook-id}. A failure
 * (no answer, or not 2xx) is retried after the next delay of the schedule, ±20 % jitter; when
 * the schedule is spent the delivery fails and its webhook is disabled.
 */
public final class WebhookDeliverer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);
    /** About three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h. */
    public static final List<Duration> SCHEDULE = List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(14),
            Duration.ofHours(20),
            Duration.ofHours(20));

    private static final Duration LEASE = Duration.ofMinutes(1);
    static final int MAX_ERROR = 500;

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final List<Duration> schedule;
    private final boolean allowPrivate;
    private final WebhookSender sender;
    private final ScheduledExecutorService timer;

    /**
     * How many deliveries are sent at once: {@code senders} in all, at most {@code perParty}
     * of one party's (a tenant's, a client app's), so one party's slow receivers hold only
     * their own share of the senders.
     */
    public record Limits(int senders, int perParty) {
        public static final Limits DEFAULT = new Limits(8, 2);

        public Limits {
            if (senders < 1) {
                throw new IllegalArgumentException("senders must be at least 1 but was " + senders);
            }
            if (perParty < 1 || perParty > senders) {
                throw new IllegalArgumentException("perParty must be 1 to senders but was " + perParty);
            }
        }
    }

    private final Outbox outbox;
    private final Limits limits;
    private final ExecutorService senders;
    private final Object sweeping = new Object();
    /** Deliveries being sent, by party; guarded by itself. */
    private final Map<String, Integer> inFlight = new HashMap<>();

    public WebhookDeliverer(
            Jdbi jdbi, SecretBox secrets, List<Duration> schedule, boolean allowPrivate, Duration poll) {
        this(Outbox.TENANT_WEBHOOKS, jdbi, secrets, schedule, allowPrivate, poll);
    }

    public WebhookDeliverer(
            Outbox outbox, Jdbi jdbi, SecretBox secrets, List<Duration> schedule, boolean allowPrivate, Duration poll) {
        this(outbox, Limits.DEFAULT, jdbi, secrets, schedule, allowPrivate, poll);
    }

    public WebhookDeliverer(
            Outbox outbox,
            Limits limits,
            Jdbi jdbi,
            SecretBox secrets,
            List<Duration> schedule,
            boolean allowPrivate,
            Duration poll) {
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.schedule = List.copyOf(schedule);
        this.allowPrivate = allowPrivate;
        this.sender = new WebhookSender(allowPrivate, Duration.ofSeconds(5), Duration.ofSeconds(15));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, outbox.name());
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger senderCount = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(limits.senders(), r -> {
            Thread thread = new Thread(r, outbox.name() + "-sender-" + senderCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweep, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record Due(
            String id, String webhookId, String party, String payload, int attempts, String url, String secret) {}

    /**
     * Takes as many due deliveries as there are free senders and hands them out. Fair: each
     * party's oldest due delivery comes before anyone's second, and a party never has more
     * than {@link Limits#perParty()} being sent (in this process).
     */
    void sweep() {
        synchronized (sweeping) {
            try {
                while (true) {
                    int room;
                    String[] parties;
                    Integer[] counts;
                    synchronized (inFlight) {
                        room = limits.senders()
                                - inFlight.values().stream()
                                        .mapToInt(Integer::intValue)
                                        .sum();
                        parties = inFlight.keySet().toArray(String[]::new);
                        counts = inFlight.values().toArray(Integer[]::new);
                    }
                    if (room <= 0) {
                        return;
                    }
                    List<Due> due = claim(room, parties, counts);
                    for (Due delivery : due) {
                        synchronized (inFlight) {
                            inFlight.merge(delivery.party(), 1, Integer::sum);
                        }
                        senders.execute(() -> send(delivery));
                    }
                    if (due.size() < room) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.warn("webhook delivery pass failed; it is tried again: {}", e.toString());
            }
        }
    }

    private List<Due> claim(int room, String[] parties, Integer[] counts) {
        return jdbi.inTransaction(handle -> handle.createQuery("""
                        WITH due AS (
                            SELECT d.id, d.next_attempt_at,
                                row_number() OVER (PARTITION BY d.%6$s ORDER BY d.next_attempt_at, d.id)
                                    + coalesce(busy.n, 0) AS place
                            FROM %1$s d
                            LEFT JOIN unnest(CAST(:parties AS text[]), CAST(:counts AS integer[])) AS busy (party, n)
                                ON busy.party = d.%6$s::text
                            WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                        ), picked AS (
                            SELECT id FROM %1$s
                            WHERE state = 'pending' AND next_attempt_at <= now() AND id IN (
                                SELECT id FROM due WHERE place <= :cap ORDER BY place, next_attempt_at LIMIT :room)
                            FOR UPDATE SKIP LOCKED
                        )
                        UPDATE %1$s d
                        SET next_attempt_at = now() + make_interval(secs => :lease)
                        FROM %3$s w, picked
                        WHERE picked.id = d.id AND w.id = d.%2$s
                        RETURNING d.id, d.%2$s::text AS target, d.%6$s::text AS party, d.payload::text AS payload,
                            d.attempts, w.%4$s AS url, w.%5$s AS secret
                        """.formatted(
                                outbox.deliveries(),
                                outbox.targetColumn(),
                                outbox.targets(),
                                outbox.urlColumn(),
                                outbox.secretColumn(),
                                outbox.partyColumn()))
                .bindArray("parties", String.class, (Object[]) parties)
                .bindArray("counts", Integer.class, (Object[]) counts)
                .bind("cap", limits.perParty())
                .bind("room", room)
                .bind("lease", (double) LEASE.toSeconds())
                .map((rs, c) -> new Due(
                        rs.getString("id"),
                        rs.getString("target"),
                        rs.getString("party"),
                        rs.getString("payload"),
                        rs.getInt("attempts"),
                        rs.getString("url"),
                        rs.getString("secret")))
                .list());
    }

    /** On a sender: delivers, frees the slot, and looks for more work at once. */
    private void send(Due delivery) {
        try {
            deliverAlone(delivery);
        } finally {
            synchronized (inFlight) {
                inFlight.computeIfPresent(delivery.party(), (party, n) -> n == 1 ? null : n - 1);
            }
            try {
                timer.execute(this::sweep);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closing: nothing more is taken.
            }
        }
    }

    /**
     * One delivery, its failure kept to itself: whatever goes wrong sending or recording it
     * (a receiver's answer PostgreSQL will not store, say) never stops the others'. The lease
     * taken with it brings it back a minute later.
     */
    private void deliverAlone(Due delivery) {
        try {
            deliver(delivery);
        } catch (RuntimeException e) {
            log.warn(
                    "{} {}: delivery {} was not recorded; it is tried again after its lease: {}",
                    outbox.targets(),
                    delivery.webhookId(),
                    delivery.id(),
                    cleaned(e.toString()));
        }
    }

    /**
     * Text a receiver or the network chose, made fit to store and show: control characters
     * (a NUL, which PostgreSQL refuses in text, and line breaks) become spaces, and at most
     * {@value #MAX_ERROR} characters are kept.
     */
    static String cleaned(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_ERROR));
        for (int i = 0; i < text.length() && out.length() < MAX_ERROR; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? ' ' : c);
        }
        return out.toString();
    }

    private void deliver(Due delivery) {
        Optional<Integer> status = Optional.empty();
        String error = null;
        // The URL's shape here; where it leads is checked by the sender, on the address it connects to.
        Optional<String> refused =
                delivery.url() == null ? Optional.of("is not set") : WebhookTargets.problem(delivery.url(), true);
        if (refused.isPresent()) {
            error = "the URL " + refused.get();
        } else {
            long timestamp = System.currentTimeMillis() / 1000;
            String secret = secrets.open(delivery.secret(), outbox.secretContext() + delivery.webhookId());
            try {
                int code = sender.post(
                        URI.create(delivery.url()),
                        java.util.Map.of(
                                "Content-Type", "application/json",
                                "User-Agent", "FlatRender-Webhooks/1",
                                "webhook-id", delivery.id(),
                                "webhook-timestamp", Long.toString(timestamp),
                                "webhook-signature",
                                        WebhookSignature.sign(secret, delivery.id(), timestamp, delivery.payload())),
                        delivery.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                status = Optional.of(code);
                if (code / 100 != 2) {
                    error = "answered " + code;
                }
            } catch (WebhookSender.Refused e) {
                error = e.getMessage();
            } catch (java.io.IOException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        record(delivery, status, error == null ? null : cleaned(error));
    }

    private void record(Due delivery, Optional<Integer> status, String error) {
        int attempts = delivery.attempts() + 1;
        jdbi.useTransaction(handle -> {
            if (error == null) {
                handle.createUpdate("""
                                UPDATE %s SET state = 'delivered', attempts = :a,
                                    last_status = :s, last_error = NULL, delivered_at = now()
                                WHERE id = :id
                                """.formatted(outbox.deliveries()))
                        .bind("a", attempts)
                        .bind("s", status.orElse(null))
                        .bind("id", delivery.id())
                        .execute();
                return;
            }
            if (attempts > schedule.size()) {
                handle.createUpdate("""
                                UPDATE %s SET state = 'failed', attempts = :a,
                                    last_status = :s, last_error = :e
                                WHERE id = :id
                                """.formatted(outbox.deliveries()))
                        .bind("a", attempts)
                        .bind("s", status.orElse(null))
                        .bind("e", error)
                        .bind("id", delivery.id())
                        .execute();
                outbox.disableTarget()
                        .ifPresent(disable -> handle.createUpdate(disable)
                                .bind("reason", "a delivery failed " + attempts + " times; last: " + error)
                                .bind("id", delivery.webhookId())
                                .execute());
                log.warn(
                        "{} {}: delivery {} failed for good ({}){}",
                        outbox.targets(),
                        delivery.webhookId(),
                        delivery.id(),
                        error,
                        outbox.disableTarget().isPresent() ? "; the target is disabled" : "");
                return;
            }
            Duration delay = schedule.get(attempts - 1);
            long jittered =
                    (long) (delay.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
            handle.createUpdate("""
                            UPDATE %s SET attempts = :a, last_status = :s, last_error = :e,
                                next_attempt_at = now() + make_interval(secs => :delay)
                            WHERE id = :id
                            """.formatted(outbox.deliveries()))
                    .bind("a", attempts)
                    .bind("s", status.orElse(null))
                    .bind("e", error)
                    .bind("delay", jittered / 1000.0)
                    .bind("id", delivery.id())
                    .execute();
        });
    }

    /** Lets the deliveries being sent finish and be recorded, then stops. */
    @Override
    public void close() {
        timer.shutdown();
        senders.shutdown();
        try {
            if (!timer.awaitTermination(20, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
            if (!senders.awaitTermination(20, TimeUnit.SECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
