package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.webhooks.Webhooks;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
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
            TransactionDao transactions = handle.attach(TransactionDao.class);
            boolean created = transactions.insert(
                            app.id(),
                            ask.orderId(),
                            digest,
                            ask.amountRial(),
                            ask.description(),
                            ask.returnUrl(),
                            ask.mobile().orElse(null),
                            ask.email().orElse(null),
                            merchant,
                            unit.name(),
                            (double) config.pendingExpiry().toSeconds())
                    == 1;
            Transaction row = transactions.lockByOrder(app.id(), ask.orderId()).orElseThrow();
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
                transactions.asked(row.id(), requested.authority(), requested.feeRial(), requested.feeType());
                return new Outcome(transactions.find(row.id()).orElseThrow(), created, null);
            } catch (ZarinPal.ZarinPalException e) {
                if (e.unreachable()) {
                    // Nothing is kept: the same request may be sent again.
                    throw Problem.of(
                            503,
                            "zarinpal-unreachable",
                            "ZarinPal did not answer",
                            e.getMessage() + "; send the same request again");
                }
                finish(transactions, row, "failed", e.code(), e.getMessage(), false);
                return new Outcome(transactions.find(row.id()).orElseThrow(), created, e);
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
        return jdbi.withExtension(TransactionDao.class, transactions -> {
            transactions.noteBuyerStatus(authority, status);
            return transactions.findByAuthority(authority);
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
        Optional<Transaction> claimed = jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.claim(authority, (double) lease().toSeconds(), source == Source.LISTED));
        if (claimed.isEmpty()) {
            return jdbi.withExtension(TransactionDao.class, transactions -> transactions.findByAuthority(authority));
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
                    TransactionDao transactions = handle.attach(TransactionDao.class);
                    finish(transactions, row, "failed", e.code(), e.getMessage(), true);
                    transactions.release(row.id());
                    return transactions.find(row.id()).orElseThrow();
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
        return jdbi.withExtension(TransactionDao.class, transactions -> {
            transactions.unsettled(row.id(), row.status(), error, code, stop, delay, attention);
            return transactions.find(row.id()).orElseThrow();
        });
    }

    private Transaction paid(Transaction row, ZarinPal.Verified verified) {
        boolean late = !row.pending();
        String attention = late
                ? "paid at ZarinPal after the broker had closed it as " + row.status()
                        + "; verified by reconciliation: fulfil the order or refund the buyer"
                : null;
        return jdbi.inTransaction(handle -> {
            TransactionDao transactions = handle.attach(TransactionDao.class);
            int changed = transactions.paid(
                    row.id(),
                    row.status(),
                    verified.refId(),
                    verified.cardPan(),
                    verified.cardHash(),
                    verified.feeRial(),
                    verified.feeType(),
                    late ? row.status() : null,
                    attention);
            Transaction now = transactions.find(row.id()).orElseThrow();
            if (changed != 1) {
                return now;
            }
            enqueue(transactions, now, "payment.succeeded");
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
        jdbi.useExtension(TransactionDao.class, transactions -> transactions.release(row.id()));
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

    private void finish(
            TransactionDao transactions, Transaction row, String status, Integer code, String message, boolean notify) {
        transactions.finish(row.id(), status, code, message);
        if (notify) {
            enqueue(transactions, transactions.find(row.id()).orElseThrow(), "payment." + status);
        }
    }

    /** Queues the outcome's webhook, once per transaction and event, when the client has a webhook URL. */
    private void enqueue(TransactionDao transactions, Transaction transaction, String event) {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", event);
        payload.put("timestamp", Instant.now().toString());
        payload.set("data", toJson(transaction));
        transactions.enqueueWebhook(
                Webhooks.newMessageId(), transaction.clientId(), transaction.id(), event, payload.toString());
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
        List<TransactionDao.Merchant> merchants = jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.merchantsToReconcile((double) LATE_WINDOW.toSeconds()));
        int verified = 0;
        int expired = 0;
        int unreachable = 0;
        for (TransactionDao.Merchant merchant : merchants) {
            java.util.Set<String> listed = new java.util.HashSet<>();
            boolean answered;
            try {
                zarinPal.unverified(merchant.merchantId(), merchant.unit()).forEach(u -> listed.add(u.authority()));
                answered = true;
            } catch (ZarinPal.ZarinPalException e) {
                log.warn(
                        "reconciliation: unVerified for merchant {} failed: {}",
                        mask(merchant.merchantId()),
                        e.getMessage());
                answered = false;
                unreachable++;
            }
            String[] listedAuthorities = listed.toArray(String[]::new);
            List<TransactionDao.Candidate> candidates = jdbi.withExtension(
                    TransactionDao.class,
                    transactions -> transactions.candidates(
                            merchant.merchantId(), merchant.unit().name(), listedAuthorities));
            for (TransactionDao.Candidate candidate : candidates) {
                Optional<Transaction> settled =
                        settle(candidate.authority(), candidate.listed() ? Source.LISTED : Source.RECONCILIATION);
                if (settled.isPresent() && settled.get().status().equals("paid")) {
                    verified++;
                }
            }
            if (answered) {
                List<UUID> due = jdbi.withExtension(
                        TransactionDao.class,
                        transactions -> transactions.dueToExpire(
                                merchant.merchantId(), merchant.unit().name(), listedAuthorities));
                for (UUID id : due) {
                    expired += expire(id) ? 1 : 0;
                }
            }
        }
        // Payments ZarinPal never gave an authority for have nothing to verify.
        List<UUID> unasked = jdbi.withExtension(TransactionDao.class, TransactionDao::unaskedExpired);
        for (UUID id : unasked) {
            expired += expire(id) ? 1 : 0;
        }
        return new Reconciled(verified, expired, unreachable);
    }

    /** Closes a pending payment past its expiry that nobody paid, unless a verification is in flight. */
    private boolean expire(UUID id) {
        return jdbi.inTransaction(handle -> {
            TransactionDao transactions = handle.attach(TransactionDao.class);
            Optional<Transaction> found = transactions.lock(id);
            if (found.isEmpty()
                    || !found.get().pending()
                    || found.get().verifying()
                    || found.get().expiresAt().isAfter(Instant.now())) {
                return false;
            }
            Transaction row = found.get();
            String unpaid = "nobody paid before " + row.expiresAt();
            if (row.buyerStatus().equals(Optional.of("NOK"))) {
                finish(transactions, row, "cancelled", null, "the buyer cancelled the payment, and " + unpaid, true);
            } else if (row.buyerStatus().equals(Optional.of("OK"))
                    && row.lastCode().equals(Optional.of(-51))) {
                finish(transactions, row, "failed", -51, ZarinPal.explain(-51) + ", and " + unpaid, true);
            } else {
                finish(transactions, row, "expired", null, unpaid, true);
            }
            return true;
        });
    }

    private static String mask(String merchant) {
        return merchant.substring(0, 4) + "…" + merchant.substring(merchant.length() - 4);
    }

    // ---------------------------------------------------------------- rows

    public Optional<Transaction> find(UUID clientId, Optional<UUID> id, Optional<String> orderId) {
        return jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.findOfClient(clientId, id.orElse(null), orderId.orElse(null)));
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
        return jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.list(
                        clientId.orElse(null),
                        status.orElse(null),
                        orderId.orElse(null),
                        needsAttention,
                        createdAfter.map(Timestamp::from).orElse(null),
                        createdBefore.map(Timestamp::from).orElse(null),
                        cursorCreatedAt.map(Timestamp::from).orElse(null),
                        cursorId.orElse(null),
                        limit));
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
