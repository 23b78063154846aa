package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.webhooks.Webhooks;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments: asked of ZarinPal for a client, settled only by what ZarinPal's verify says (when
 * the buyer comes back, or when reconciliation finds them paid, even after they were closed),
 * closed when nobody paid before they expired. A verification is claimed with a lease on the
 * row and made without holding a lock, one at a time per payment; an outcome and its webhook
 * are written in one database transaction.
 */
public final class Transactions {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    public static final long MIN_AMOUNT_RIAL = 10_000;
    /** How many verifies that leave a payment unsettled reconciliation makes before it asks an admin. */
    public static final int MAX_AUTOMATIC_VERIFIES = 6;
    /** How long after it closed a payment arriving at ZarinPal is still looked for. */
    public static final Duration LATE_WINDOW = Duration.ofDays(3);

    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    /** A transaction's row, as kept. */
    public record Transaction(
            UUID id,
            UUID clientId,
            String orderId,
            String requestSha256,
            long amountRial,
            String description,
            String returnUrl,
            Optional<String> mobile,
            Optional<String> email,
            String merchantId,
            ZarinPal.Unit unit,
            String status,
            Optional<String> authority,
            Optional<String> refId,
            Optional<String> cardPan,
            Optional<String> cardHash,
            Optional<Long> feeRial,
            Optional<String> feeType,
            Optional<Integer> failureCode,
            Optional<String> failureMessage,
            Optional<String> lastError,
            Instant createdAt,
            Instant expiresAt,
            Optional<Instant> paidAt,
            Optional<String> buyerStatus,
            Optional<Integer> lastCode,
            int verifyAttempts,
            boolean verifying,
            Optional<String> attention,
            Optional<Instant> attentionAt,
            Optional<String> paidAfter) {
        public boolean pending() {
            return status.equals("pending");
        }
    }

    /** What a client asked for. */
    public record Ask(
            String orderId,
            long amountRial,
            String description,
            String returnUrl,
            Optional<String> mobile,
            Optional<String> email) {}

    /** A request's answer: the transaction, and whether this call made it. */
    public record Asked(Transaction transaction, boolean created) {}

    private final Jdbi jdbi;
    private final ZarinPal zarinPal;
    private final PaymentConfig config;
    private final Supplier<String> publicUrl;
    private final ObjectMapper json;
    private final Executor verifiers;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<Transaction>>> inFlight =
            new ConcurrentHashMap<>();

    /** @param verifiers runs the callbacks' verifications (bounded: a full one refuses) */
    public Transactions(
            Jdbi jdbi,
            ZarinPal zarinPal,
            PaymentConfig config,
            Supplier<String> publicUrl,
            ObjectMapper json,
            Executor verifiers) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.zarinPal = requireNonNull(zarinPal, "zarinPal is null");
        this.config = requireNonNull(config, "config is null");
        this.publicUrl = requireNonNull(publicUrl, "publicUrl is null");
        this.json = requireNonNull(json, "json is null");
        this.verifiers = requireNonNull(verifiers, "verifiers is null");
    }

    private String callbackUrl() {
        return publicUrl.get() + "/callback/zarinpal";
    }

    /** What ZarinPal is told to take the payment for: until the broker expires it, a minute at least. */
    private static Duration untilExpiry(Transaction row) {
        Duration left = Duration.between(Instant.now(), row.expiresAt());
        return left.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : left.withNanos(0);
    }

    // ---------------------------------------------------------------- request

    /**
     * Asks ZarinPal for a payment of {@code ask}, once per client and order id: a replay with the
     * same fields answers the same transaction (and asks ZarinPal again only if it never
     * answered); other fields under the same order id are a conflict.
     */
    public Asked request(ClientApps.ClientApp app, Ask ask) {
        String merchant = app.merchantId().orElse(config.merchantId());
        ZarinPal.Unit unit = app.unit().orElse(config.unit());
        if (unit == ZarinPal.Unit.IRT && ask.amountRial() % 10 != 0) {
            throw Problem.invalidField("amount", "must be a multiple of 10 Rial: this client pays ZarinPal in Toman");
        }
        String digest = ClientSignature.sha256Hex(ClientApps.utf8(String.join(
                "\u0000",
                ask.orderId(),
                Long.toString(ask.amountRial()),
                ask.description(),
                ask.returnUrl(),
                ask.mobile().orElse(""),
                ask.email().orElse(""))));
        record Outcome(Transaction transaction, boolean created, ZarinPal.ZarinPalException failure) {}
        Outcome outcome = jdbi.inTransaction(handle -> {
            boolean created = handle.createUpdate("""
                                    INSERT INTO payment.transactions (client_id, order_id, request_sha256, amount_rial,
                                        description, return_url, mobile, email, merchant_id, currency_unit, expires_at)
                                    VALUES (:client, :order, :digest, :amount, :description, :returnUrl, :mobile,
                                        :email, :merchant, :unit, now() + make_interval(secs => :expiry))
                                    ON CONFLICT (client_id, order_id) DO NOTHING
                                    """)
                            .bind("client", app.id())
                            .bind("order", ask.orderId())
                            .bind("digest", digest)
                            .bind("amount", ask.amountRial())
                            .bind("description", ask.description())
                            .bind("returnUrl", ask.returnUrl())
                            .bind("mobile", ask.mobile().orElse(null))
                            .bind("email", ask.email().orElse(null))
                            .bind("merchant", merchant)
                            .bind("unit", unit.name())
                            .bind("expiry", (double) config.pendingExpiry().toSeconds())
                            .execute()
                    == 1;
            Transaction row = handle.createQuery(SELECT + " WHERE client_id = :client AND order_id = :order FOR UPDATE")
                    .bind("client", app.id())
                    .bind("order", ask.orderId())
                    .map((rs, c) -> row(rs))
                    .one();
            if (!row.requestSha256().equals(digest)) {
                throw Problem.conflict(
                        "order-conflict",
                        "order " + ask.orderId() + " was asked already with other fields (transaction " + row.id()
                                + ")");
            }
            if (!row.pending() || row.authority().isPresent()) {
                return new Outcome(row, created, null);
            }
            try {
                ZarinPal.Requested requested = zarinPal.request(
                        row.merchantId(),
                        row.amountRial(),
                        row.unit(),
                        row.description(),
                        callbackUrl(),
                        row.mobile().orElse(null),
                        row.email().orElse(null),
                        row.orderId(),
                        untilExpiry(row));
                handle.createUpdate("""
                                UPDATE payment.transactions SET authority = :authority, fee_rial = :fee, fee_type = :feeType,
                                    last_error = NULL
                                WHERE id = :id
                                """)
                        .bind("authority", requested.authority())
                        .bind("fee", requested.feeRial())
                        .bind("feeType", requested.feeType())
                        .bind("id", row.id())
                        .execute();
                return new Outcome(find(handle, row.id()).orElseThrow(), created, null);
            } catch (ZarinPal.ZarinPalException e) {
                if (e.unreachable()) {
                    // Nothing is kept: the same request may be sent again.
                    throw Problem.of(
                            503,
                            "zarinpal-unreachable",
                            "ZarinPal did not answer",
                            e.getMessage() + "; send the same request again");
                }
                finish(handle, row, "failed", e.code(), e.getMessage(), false);
                return new Outcome(find(handle, row.id()).orElseThrow(), created, e);
            }
        });
        if (outcome.failure() != null) {
            throw Problem.of(
                    502,
                    "zarinpal-refused",
                    "ZarinPal refused the payment request",
                    "transaction " + outcome.transaction().id() + ": "
                            + outcome.failure().getMessage());
        }
        return new Asked(outcome.transaction(), outcome.created());
    }

    // ---------------------------------------------------------------- verify

    /** How a verification was asked for. */
    public enum Source {
        /** The buyer (or anyone) at the callback. */
        CALLBACK,
        /** Reconciliation retrying a payment whose last verify did not settle it. */
        RECONCILIATION,
        /** ZarinPal listed it as paid and unverified: verified whatever its state here. */
        LISTED
    }

    /**
     * Records what the buyer's browser said at the callback ({@code OK} or {@code NOK}), a hint
     * kept for when the payment closes unpaid; never an outcome by itself.
     *
     * @return the transaction of {@code authority}, as it is; empty when there is none
     */
    public Optional<Transaction> noteCallback(String authority, String status) {
        return jdbi.withHandle(handle -> {
            handle.createUpdate("""
                            UPDATE payment.transactions SET buyer_status = :status
                            WHERE authority = :a AND status = 'pending'
                            """).bind("status", status).bind("a", authority).execute();
            return findByAuthority(handle, authority);
        });
    }

    /**
     * The callback's verification of {@code authority}: one in flight per payment in this
     * process; a second caller gets the same future. It completes with the transaction as the
     * verification left it.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the verifiers are all busy
     */
    public CompletableFuture<Optional<Transaction>> settleAsync(String authority) {
        CompletableFuture<Optional<Transaction>> started = new CompletableFuture<>();
        CompletableFuture<Optional<Transaction>> running = inFlight.putIfAbsent(authority, started);
        if (running != null) {
            return running;
        }
        try {
            verifiers.execute(() -> {
                try {
                    started.complete(settle(authority, Source.CALLBACK));
                } catch (RuntimeException e) {
                    started.completeExceptionally(e);
                } finally {
                    inFlight.remove(authority, started);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(authority, started);
            throw e;
        }
        return started;
    }

    /**
     * Verifies the payment of {@code authority} with ZarinPal, for the amount in the database,
     * and settles it only on what verify says: 100 or 101 with a ref_id is paid; -51 (not paid,
     * or not yet) leaves it pending until it expires, whatever the callback said; an answer that
     * may pass (-50, -12, -52, a success without a ref_id) leaves it pending with a backoff
     * before reconciliation tries again; ZarinPal not answering leaves it for the next pass.
     *
     * <p>The verification is claimed with a lease on the row ({@code verifying_until}) and the
     * call made with no lock held, so callbacks do not queue on the row while ZarinPal is slow:
     * one verification at a time per payment, across gateways. A payment whose verification is
     * in flight, or not due again yet, answers as it is.
     */
    public Optional<Transaction> settle(String authority, Source source) {
        Optional<Transaction> claimed = jdbi.withHandle(handle -> handle.createQuery("""
                        UPDATE payment.transactions SET verifying_until = now() + make_interval(secs => :lease),
                            verify_attempts = verify_attempts + 1
                        WHERE authority = :a
                          AND (status = 'pending' OR (:listed AND status IN ('failed', 'cancelled', 'expired')))
                          AND (verifying_until IS NULL OR verifying_until < now())
                          AND (next_verify_at IS NULL OR next_verify_at <= now())
                        RETURNING
                        """ + COLUMNS)
                .bind("lease", (double) lease().toSeconds())
                .bind("a", authority)
                .bind("listed", source == Source.LISTED)
                .map((rs, c) -> row(rs))
                .findOne());
        if (claimed.isEmpty()) {
            return jdbi.withHandle(handle -> findByAuthority(handle, authority));
        }
        Transaction row = claimed.get();
        ZarinPal.Verified verified;
        try {
            verified = zarinPal.verify(row.merchantId(), row.amountRial(), row.unit(), authority);
        } catch (ZarinPal.ZarinPalException e) {
            return Optional.of(notSettled(row, e));
        } catch (RuntimeException e) {
            release(row);
            throw e;
        }
        if (verified.refId() == null) {
            // ZarinPal took the money (100/101) but gave no reference: not paid here until a
            // later verify (101) gives one.
            return Optional.of(unsettled(
                    row,
                    verified.code(),
                    "ZarinPal answered " + verified.code() + " without a ref_id; verified again later",
                    Retry.BACKOFF_CAPPED));
        }
        return Optional.of(paid(row, verified));
    }

    /** When reconciliation may verify a payment again after an answer that did not settle it. */
    private enum Retry {
        /** At the next pass (ZarinPal did not answer). */
        NEXT_PASS,
        /** Only when ZarinPal lists it as paid (it is not paid yet). */
        WHEN_LISTED,
        /** After a growing delay. */
        BACKOFF,
        /** After a growing delay, and no more by itself after {@link #MAX_AUTOMATIC_VERIFIES}. */
        BACKOFF_CAPPED
    }

    private Transaction notSettled(Transaction row, ZarinPal.ZarinPalException e) {
        if (e.unreachable()) {
            return unsettled(row, null, e.getMessage(), Retry.NEXT_PASS);
        }
        return switch (e.code()) {
            case -51 -> unsettled(row, -51, e.getMessage(), Retry.WHEN_LISTED);
            case -50 -> unsettled(row, -50, e.getMessage(), Retry.BACKOFF_CAPPED);
            case -12, -52 -> unsettled(row, e.code(), e.getMessage(), Retry.BACKOFF);
            default -> {
                if (!row.pending()) {
                    yield unsettled(row, e.code(), e.getMessage(), Retry.BACKOFF_CAPPED);
                }
                yield jdbi.inTransaction(handle -> {
                    finish(handle, row, "failed", e.code(), e.getMessage(), true);
                    release(handle, row.id());
                    return find(handle, row.id()).orElseThrow();
                });
            }
        };
    }

    private Transaction unsettled(Transaction row, Integer code, String error, Retry retry) {
        int attempts = row.verifyAttempts();
        boolean stop = retry == Retry.BACKOFF_CAPPED && attempts >= MAX_AUTOMATIC_VERIFIES;
        Double delay = switch (retry) {
            case NEXT_PASS -> 0.0;
            case WHEN_LISTED -> null;
            case BACKOFF, BACKOFF_CAPPED -> (double) backoff(attempts).toSeconds();
        };
        String attention = stop
                ? "verified " + attempts + " times without settling it (last: " + error
                        + "); the broker no longer verifies it by itself: check it in ZarinPal's panel"
                : null;
        if (stop) {
            log.error("ALERT payment {} of client {} needs an admin: {}", row.id(), row.clientId(), attention);
        } else {
            log.warn("payment {}: verify did not settle it ({}); it stays {}", row.id(), error, row.status());
        }
        return jdbi.withHandle(handle -> {
            handle.createUpdate("""
                            UPDATE payment.transactions SET last_error = :e, last_code = :code, verifying_until = NULL,
                                next_verify_at = CASE WHEN :stop THEN 'infinity'::timestamptz
                                    WHEN CAST(:delay AS double precision) IS NULL THEN NULL
                                    ELSE now() + make_interval(secs => :delay) END,
                                attention = COALESCE(:attention, attention),
                                attention_at = CASE WHEN CAST(:attention AS text) IS NULL THEN attention_at ELSE now() END
                            WHERE id = :id AND status = :from
                            """)
                    .bind("e", error)
                    .bind("code", code)
                    .bind("stop", stop)
                    .bind("delay", delay)
                    .bind("attention", attention)
                    .bind("id", row.id())
                    .bind("from", row.status())
                    .execute();
            return find(handle, row.id()).orElseThrow();
        });
    }

    private Transaction paid(Transaction row, ZarinPal.Verified verified) {
        boolean late = !row.pending();
        String attention = late
                ? "paid at ZarinPal after the broker had closed it as " + row.status()
                        + "; verified by reconciliation: fulfil the order or refund the buyer"
                : null;
        return jdbi.inTransaction(handle -> {
            int changed = handle.createUpdate("""
                            UPDATE payment.transactions SET status = 'paid', ref_id = :ref, card_pan = :pan,
                                card_hash = :hash, fee_rial = :fee, fee_type = :feeType, last_error = NULL,
                                last_code = NULL, verifying_until = NULL, next_verify_at = NULL,
                                paid_after = :paidAfter, attention = COALESCE(:attention, attention),
                                attention_at = CASE WHEN CAST(:attention AS text) IS NULL THEN attention_at ELSE now() END,
                                paid_at = now(), finished_at = now()
                            WHERE id = :id AND status = :from
                            """)
                    .bind("ref", verified.refId())
                    .bind("pan", verified.cardPan())
                    .bind("hash", verified.cardHash())
                    .bind("fee", verified.feeRial())
                    .bind("feeType", verified.feeType())
                    .bind("paidAfter", late ? row.status() : null)
                    .bind("attention", attention)
                    .bind("id", row.id())
                    .bind("from", row.status())
                    .execute();
            Transaction now = find(handle, row.id()).orElseThrow();
            if (changed != 1) {
                return now;
            }
            enqueue(handle, now, "payment.succeeded");
            if (late) {
                log.error(
                        "ALERT payment {} of client {} (order {}) was paid after the broker closed it as {}:"
                                + " verified now, ref {}; the client is sent payment.succeeded",
                        now.id(),
                        now.clientId(),
                        now.orderId(),
                        row.status(),
                        verified.refId());
            } else {
                log.info(
                        "payment {} of client {} verified ({}): ref {}",
                        now.id(),
                        now.clientId(),
                        verified.alreadyVerified() ? "101, verified before" : "100",
                        verified.refId());
            }
            return now;
        });
    }

    /** Gives a claimed verification back without an outcome (an unexpected error). */
    private void release(Transaction row) {
        jdbi.useHandle(handle -> release(handle, row.id()));
    }

    private static void release(Handle handle, UUID id) {
        handle.createUpdate("UPDATE payment.transactions SET verifying_until = NULL WHERE id = :id")
                .bind("id", id)
                .execute();
    }

    /** 1, 2, 4, … minutes after the n-th verify, an hour at most. */
    static Duration backoff(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 6));
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private Duration lease() {
        return config.zarinPalTimeout().plusSeconds(5);
    }

    private void finish(Handle handle, Transaction row, String status, Integer code, String message, boolean notify) {
        handle.createUpdate("""
                        UPDATE payment.transactions SET status = :status, failure_code = :code, failure_message = :message,
                            finished_at = now()
                        WHERE id = :id AND status = 'pending'
                        """)
                .bind("status", status)
                .bind("code", code)
                .bind("message", message)
                .bind("id", row.id())
                .execute();
        if (notify) {
            enqueue(handle, find(handle, row.id()).orElseThrow(), "payment." + status);
        }
    }

    /** Queues the outcome's webhook, once per transaction and event, when the client has a webhook URL. */
    private void enqueue(Handle handle, Transaction transaction, String event) {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", event);
        payload.put("timestamp", Instant.now().toString());
        payload.set("data", toJson(transaction));
        handle.createUpdate("""
                        INSERT INTO payment.webhook_deliveries (id, client_id, transaction_id, event, payload)
                        SELECT :id, a.id, :tx, :event, CAST(:payload AS jsonb)
                        FROM payment.client_apps a WHERE a.id = :client AND a.webhook_url IS NOT NULL
                        ON CONFLICT (transaction_id, event) DO NOTHING
                        """)
                .bind("id", Webhooks.newMessageId())
                .bind("tx", transaction.id())
                .bind("event", event)
                .bind("payload", payload.toString())
                .bind("client", transaction.clientId())
                .execute();
    }

    // ---------------------------------------------------------------- reconciliation

    /** What one pass of reconciliation did. */
    public record Reconciled(int verified, int expired, int merchantsUnreachable) {}

    /**
     * For each merchant with payments open, or closed in the last {@link #LATE_WINDOW}, asks
     * ZarinPal for its paid and unverified payments and verifies those that are ours whatever
     * their state here (one closed before its payment arrived becomes paid, with an alert and
     * its {@code attention} set); verifies again the pending payments whose retry is due; then
     * closes the pending payments past their expiry that ZarinPal does not list, for merchants
     * ZarinPal answered for: {@code cancelled} when the buyer came back with NOK, {@code failed}
     * when verify said -51 after an OK, else {@code expired}.
     */
    public Reconciled reconcile() {
        record Merchant(String id, ZarinPal.Unit unit) {}
        List<Merchant> merchants = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT DISTINCT merchant_id, currency_unit FROM payment.transactions
                        WHERE authority IS NOT NULL
                          AND (status = 'pending'
                            OR (status <> 'paid' AND finished_at > now() - make_interval(secs => :window)))
                        """)
                .bind("window", (double) LATE_WINDOW.toSeconds())
                .map((rs, c) -> new Merchant(rs.getString(1), ZarinPal.Unit.valueOf(rs.getString(2))))
                .list());
        int verified = 0;
        int expired = 0;
        int unreachable = 0;
        for (Merchant merchant : merchants) {
            java.util.Set<String> listed = new java.util.HashSet<>();
            boolean answered;
            try {
                zarinPal.unverified(merchant.id(), merchant.unit()).forEach(u -> listed.add(u.authority()));
                answered = true;
            } catch (ZarinPal.ZarinPalException e) {
                log.warn("reconciliation: unVerified for merchant {} failed: {}", mask(merchant.id()), e.getMessage());
                answered = false;
                unreachable++;
            }
            record Candidate(String authority, boolean listed) {}
            List<Candidate> candidates = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT authority, authority = ANY(:listed) AS listed FROM payment.transactions
                            WHERE merchant_id = :m AND currency_unit = :u AND authority IS NOT NULL
                              AND (next_verify_at IS NULL OR next_verify_at <= now())
                              AND ((authority = ANY(:listed) AND status <> 'paid')
                                OR (status = 'pending' AND next_verify_at <= now()))
                            """)
                    .bind("m", merchant.id())
                    .bind("u", merchant.unit().name())
                    .bind("listed", listed.toArray(String[]::new))
                    .map((rs, c) -> new Candidate(rs.getString("authority"), rs.getBoolean("listed")))
                    .list());
            for (Candidate candidate : candidates) {
                Optional<Transaction> settled =
                        settle(candidate.authority(), candidate.listed() ? Source.LISTED : Source.RECONCILIATION);
                if (settled.isPresent() && settled.get().status().equals("paid")) {
                    verified++;
                }
            }
            if (answered) {
                List<UUID> due = jdbi.withHandle(handle -> handle.createQuery("""
                                SELECT id FROM payment.transactions
                                WHERE status = 'pending' AND expires_at < now() AND merchant_id = :m
                                  AND currency_unit = :u AND NOT (authority = ANY(:listed))
                                """)
                        .bind("m", merchant.id())
                        .bind("u", merchant.unit().name())
                        .bind("listed", listed.toArray(String[]::new))
                        .mapTo(UUID.class)
                        .list());
                for (UUID id : due) {
                    expired += expire(id) ? 1 : 0;
                }
            }
        }
        // Payments ZarinPal never gave an authority for have nothing to verify.
        List<UUID> unasked = jdbi.withHandle(
                handle -> handle.createQuery("""
                        SELECT id FROM payment.transactions WHERE status = 'pending' AND authority IS NULL AND expires_at < now()
                        """).mapTo(UUID.class).list());
        for (UUID id : unasked) {
            expired += expire(id) ? 1 : 0;
        }
        return new Reconciled(verified, expired, unreachable);
    }

    /** Closes a pending payment past its expiry that nobody paid, unless a verification is in flight. */
    private boolean expire(UUID id) {
        return jdbi.inTransaction(handle -> {
            Optional<Transaction> found = handle.createQuery(SELECT + " WHERE id = :id FOR UPDATE")
                    .bind("id", id)
                    .map((rs, c) -> row(rs))
                    .findOne();
            if (found.isEmpty()
                    || !found.get().pending()
                    || found.get().verifying()
                    || found.get().expiresAt().isAfter(Instant.now())) {
                return false;
            }
            Transaction row = found.get();
            String unpaid = "nobody paid before " + row.expiresAt();
            if (row.buyerStatus().equals(Optional.of("NOK"))) {
                finish(handle, row, "cancelled", null, "the buyer cancelled the payment, and " + unpaid, true);
            } else if (row.buyerStatus().equals(Optional.of("OK"))
                    && row.lastCode().equals(Optional.of(-51))) {
                finish(handle, row, "failed", -51, ZarinPal.explain(-51) + ", and " + unpaid, true);
            } else {
                finish(handle, row, "expired", null, unpaid, true);
            }
            return true;
        });
    }

    private static String mask(String merchant) {
        return merchant.substring(0, 4) + "…" + merchant.substring(merchant.length() - 4);
    }

    // ---------------------------------------------------------------- rows

    private static final String COLUMNS = """
            id, client_id, order_id, request_sha256, amount_rial, description, return_url, mobile, email,
                merchant_id, currency_unit, status, authority, ref_id, card_pan, card_hash, fee_rial, fee_type,
                failure_code, failure_message, last_error, created_at, expires_at, paid_at, buyer_status, last_code,
                verify_attempts, coalesce(verifying_until > now(), false) AS verifying, attention, attention_at,
                paid_after""";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM payment.transactions";

    public Optional<Transaction> find(UUID clientId, Optional<UUID> id, Optional<String> orderId) {
        return jdbi.withHandle(
                handle -> handle.createQuery(SELECT + " WHERE client_id = :client AND (id = :id OR order_id = :order)")
                        .bind("client", clientId)
                        .bind("id", id.orElse(null))
                        .bind("order", orderId.orElse(null))
                        .map((rs, c) -> row(rs))
                        .findOne());
    }

    private static Optional<Transaction> findByAuthority(Handle handle, String authority) {
        return handle.createQuery(SELECT + " WHERE authority = :a")
                .bind("a", authority)
                .map((rs, c) -> row(rs))
                .findOne();
    }

    private static Optional<Transaction> find(Handle handle, UUID id) {
        return handle.createQuery(SELECT + " WHERE id = :id")
                .bind("id", id)
                .map((rs, c) -> row(rs))
                .findOne();
    }

    /** A page of transactions for the admin API, newest first. */
    public List<Transaction> list(
            Optional<UUID> clientId,
            Optional<String> status,
            Optional<String> orderId,
            boolean needsAttention,
            Optional<Instant> createdAfter,
            Optional<Instant> createdBefore,
            Optional<Instant> cursorCreatedAt,
            Optional<UUID> cursorId,
            int limit) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + """
                         WHERE (CAST(:client AS uuid) IS NULL OR client_id = :client)
                          AND (CAST(:status AS text) IS NULL OR status = :status)
                          AND (CAST(:order AS text) IS NULL OR order_id = :order)
                          AND (NOT :attention OR attention IS NOT NULL)
                          AND (CAST(:after AS timestamptz) IS NULL OR created_at >= :after)
                          AND (CAST(:before AS timestamptz) IS NULL OR created_at < :before)
                          AND (CAST(:cursorAt AS timestamptz) IS NULL OR (created_at, id) < (:cursorAt, :cursorId))
                        ORDER BY created_at DESC, id DESC
                        LIMIT :limit
                        """)
                .bind("client", clientId.orElse(null))
                .bind("status", status.orElse(null))
                .bind("order", orderId.orElse(null))
                .bind("attention", needsAttention)
                .bind("after", createdAfter.map(java.sql.Timestamp::from).orElse(null))
                .bind("before", createdBefore.map(java.sql.Timestamp::from).orElse(null))
                .bind("cursorAt", cursorCreatedAt.map(java.sql.Timestamp::from).orElse(null))
                .bind("cursorId", cursorId.orElse(null))
                .bind("limit", limit)
                .map((rs, c) -> row(rs))
                .list());
    }

    private static Transaction row(ResultSet rs) throws SQLException {
        return new Transaction(
                rs.getObject("id", UUID.class),
                rs.getObject("client_id", UUID.class),
                rs.getString("order_id"),
                rs.getString("request_sha256"),
                rs.getLong("amount_rial"),
                rs.getString("description"),
                rs.getString("return_url"),
                Optional.ofNullable(rs.getString("mobile")),
                Optional.ofNullable(rs.getString("email")),
                rs.getString("merchant_id"),
                ZarinPal.Unit.valueOf(rs.getString("currency_unit")),
                rs.getString("status"),
                Optional.ofNullable(rs.getString("authority")),
                Optional.ofNullable(rs.getString("ref_id")),
                Optional.ofNullable(rs.getString("card_pan")),
                Optional.ofNullable(rs.getString("card_hash")),
                Optional.ofNullable((Long) rs.getObject("fee_rial", Long.class)),
                Optional.ofNullable(rs.getString("fee_type")),
                Optional.ofNullable((Integer) rs.getObject("failure_code", Integer.class)),
                Optional.ofNullable(rs.getString("failure_message")),
                Optional.ofNullable(rs.getString("last_error")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("paid_at")).map(java.sql.Timestamp::toInstant),
                Optional.ofNullable(rs.getString("buyer_status")),
                Optional.ofNullable((Integer) rs.getObject("last_code", Integer.class)),
                rs.getInt("verify_attempts"),
                rs.getBoolean("verifying"),
                Optional.ofNullable(rs.getString("attention")),
                Optional.ofNullable(rs.getTimestamp("attention_at")).map(java.sql.Timestamp::toInstant),
                Optional.ofNullable(rs.getString("paid_after")));
    }

    /** A transaction as admins see it: as clients do, and what the broker knows of its verification. */
    public ObjectNode toAdminJson(Transaction t) {
        ObjectNode node = toJson(t);
        node.put("buyer_status", t.buyerStatus().orElse(null));
        node.put("verify_attempts", t.verifyAttempts());
        if (t.attention().isPresent()) {
            node.putObject("attention")
                    .put("message", t.attention().get())
                    .put("since", t.attentionAt().map(Instant::toString).orElse(null));
        } else {
            node.putNull("attention");
        }
        return node;
    }

    /** A transaction as clients and webhooks see it (PAYMENTS.md section 4). */
    public ObjectNode toJson(Transaction t) {
        ObjectNode node = json.createObjectNode();
        node.put("id", t.id().toString());
        node.put("client_id", t.clientId().toString());
        node.put("order_id", t.orderId());
        node.put("amount", t.amountRial());
        node.put("currency", "IRR");
        node.put("description", t.description());
        ObjectNode metadata = node.putObject("metadata");
        t.mobile().ifPresent(m -> metadata.put("mobile", m));
        t.email().ifPresent(e -> metadata.put("email", e));
        node.put("status", t.status());
        node.put("authority", t.authority().orElse(null));
        node.put(
                "payment_url",
                t.authority()
                        .filter(a -> t.pending())
                        .map(zarinPal::startPayUrl)
                        .orElse(null));
        // A string: ZarinPal's reference numbers may not fit 64 bits, nor a JavaScript number.
        node.put("ref_id", t.refId().orElse(null));
        node.put("card_pan", t.cardPan().orElse(null));
        node.put("card_hash", t.cardHash().orElse(null));
        if (t.feeRial().isPresent()) {
            node.put("fee", t.feeRial().get());
        } else {
            node.putNull("fee");
        }
        node.put("fee_type", t.feeType().orElse(null));
        if (t.failureCode().isPresent() || t.failureMessage().isPresent()) {
            ObjectNode failure = node.putObject("failure");
            t.failureCode().ifPresentOrElse(c -> failure.put("code", c), () -> failure.putNull("code"));
            failure.put("message", t.failureMessage().orElse(null));
        } else {
            node.putNull("failure");
        }
        node.put("last_error", t.lastError().orElse(null));
        node.put("paid_after", t.paidAfter().orElse(null));
        node.put("created_at", t.createdAt().toString());
        node.put("expires_at", t.expiresAt().toString());
        node.put("paid_at", t.paidAt().map(Instant::toString).orElse(null));
        return node;
    }
}
