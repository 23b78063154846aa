package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Payments: asked of ZarinPal for a client, settled only by what ZarinPal's verify says (when
 * the buyer comes back, or when reconciliation finds them paid, even after they were closed),
 * closed when nobody paid before they expired. A verification is claimed with a lease on the
 * row and made without holding a lock, one at a time per payment; an outcome and its webhook
 * are written in one database transaction. This class asks and reads; {@link Settlements}
 * verifies and settles, {@link Reconciliation} reconciles, and {@link TransactionJson} is the
 * wire view.
 */
public final class Transactions {
    public static final long MIN_AMOUNT_RIAL = 10_000;
    /** How many verifies that leave a payment unsettled reconciliation makes before it asks an admin. */
    public static final int MAX_AUTOMATIC_VERIFIES = 6;
    /** How long after it closed a payment arriving at ZarinPal is still looked for. */
    public static final Duration LATE_WINDOW = Duration.ofDays(3);

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
    private final TransactionJson wire;
    private final Settlements settlements;
    private final Reconciliation reconciliation;

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
        this.wire = new TransactionJson(zarinPal, requireNonNull(json, "json is null"));
        this.settlements = new Settlements(jdbi, zarinPal, config, wire, json, verifiers);
        this.reconciliation = new Reconciliation(jdbi, zarinPal, settlements);
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
                settlements.finish(transactions, row, "failed", e.code(), e.getMessage(), false);
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

    // ---------------------------------------------------------------- verify and reconcile

    /** What the buyer's browser said at the callback, kept as a hint ({@link Settlements#noteCallback}). */
    public Optional<Transaction> noteCallback(String authority, String status) {
        return settlements.noteCallback(authority, status);
    }

    /** The callback's verification of {@code authority} ({@link Settlements#settleAsync}). */
    public CompletableFuture<Optional<Transaction>> settleAsync(String authority) {
        return settlements.settleAsync(authority);
    }

    /** One pass of reconciliation ({@link Reconciliation#reconcile}). */
    public Reconciliation.Reconciled reconcile() {
        return reconciliation.reconcile();
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
        return wire.toAdminJson(t);
    }

    /** A transaction as clients and webhooks see it (PAYMENTS.md section 4). */
    public ObjectNode toJson(Transaction t) {
        return wire.toJson(t);
    }
}
