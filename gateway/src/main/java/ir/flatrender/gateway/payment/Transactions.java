package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.webhooks.Webhooks;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments: asked of ZarinPal for a client, verified once when the buyer comes back (or when
 * reconciliation finds them paid), expired when nobody pays. A transaction's row is locked
 * while ZarinPal is asked about it, so concurrent callbacks verify once and answer alike; an
 * outcome and its webhook are written in one database transaction.
 */
public final class Transactions {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    public static final long MIN_AMOUNT_RIAL = 10_000;

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
            Optional<Long> refId,
            Optional<String> cardPan,
            Optional<String> cardHash,
            Optional<Long> feeRial,
            Optional<String> feeType,
            Optional<Integer> failureCode,
            Optional<String> failureMessage,
            Optional<String> lastError,
            Instant createdAt,
            Instant expiresAt,
            Optional<Instant> paidAt) {
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

    public Transactions(
            Jdbi jdbi, ZarinPal zarinPal, PaymentConfig config, Supplier<String> publicUrl, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.zarinPal = requireNonNull(zarinPal, "zarinPal is null");
        this.config = requireNonNull(config, "config is null");
        this.publicUrl = requireNonNull(publicUrl, "publicUrl is null");
        this.json = requireNonNull(json, "json is null");
    }

    private String callbackUrl() {
        return publicUrl.get() + "/callback/zarinpal";
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
                        row.orderId());
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

    /** How the buyer or reconciliation reached a transaction. */
    public enum Source {
        CALLBACK_OK,
        CALLBACK_NOK,
        RECONCILIATION
    }

    /**
     * Settles the transaction of {@code authority}: verified with ZarinPal for the amount in
     * the database (once: a settled transaction answers as it is), cancelled when the buyer
     * cancelled. ZarinPal not answering, or refusing for a reason that may pass (the amount
     * differing, -50), leaves it pending with the reason in {@code last_error}.
     */
    public Optional<Transaction> settle(String authority, Source source) {
        return jdbi.inTransaction(handle -> {
            Optional<Transaction> found = handle.createQuery(SELECT + " WHERE authority = :a FOR UPDATE")
                    .bind("a", authority)
                    .map((rs, c) -> row(rs))
                    .findOne();
            if (found.isEmpty() || !found.get().pending()) {
                return found;
            }
            Transaction row = found.get();
            if (source == Source.CALLBACK_NOK) {
                finish(
                        handle,
                        row,
                        "cancelled",
                        null,
                        "the buyer cancelled the payment, or it failed at the bank",
                        true);
                return find(handle, row.id());
            }
            handle.createUpdate("UPDATE payment.transactions SET verify_attempts = verify_attempts + 1 WHERE id = :id")
                    .bind("id", row.id())
                    .execute();
            try {
                ZarinPal.Verified verified = zarinPal.verify(row.merchantId(), row.amountRial(), row.unit(), authority);
                handle.createUpdate("""
                                UPDATE payment.transactions SET status = 'paid', ref_id = :ref, card_pan = :pan,
                                    card_hash = :hash, fee_rial = :fee, fee_type = :feeType, last_error = NULL,
                                    paid_at = now(), finished_at = now()
                                WHERE id = :id
                                """)
                        .bind("ref", verified.refId())
                        .bind("pan", verified.cardPan())
                        .bind("hash", verified.cardHash())
                        .bind("fee", verified.feeRial())
                        .bind("feeType", verified.feeType())
                        .bind("id", row.id())
                        .execute();
                Transaction paid = find(handle, row.id()).orElseThrow();
                enqueue(handle, paid, "payment.succeeded");
                log.info(
                        "payment {} of client {} verified ({}): ref {}",
                        paid.id(),
                        paid.clientId(),
                        verified.alreadyVerified() ? "101, verified before" : "100",
                        verified.refId());
                return Optional.of(paid);
            } catch (ZarinPal.ZarinPalException e) {
                if (e.unreachable() || e.code() == -50 || e.code() == -12 || e.code() == -52) {
                    log.warn("payment {}: verify did not settle it ({}); it stays pending", row.id(), e.getMessage());
                    handle.createUpdate("UPDATE payment.transactions SET last_error = :e WHERE id = :id")
                            .bind("e", e.getMessage())
                            .bind("id", row.id())
                            .execute();
                    return find(handle, row.id());
                }
                finish(handle, row, "failed", e.code(), e.getMessage(), true);
                return find(handle, row.id());
            }
        });
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
     * Verifies the pending payments ZarinPal lists as paid and unverified, and those whose buyer
     * came back while ZarinPal could not be reached; then expires pending payments past their
     * time, for merchants ZarinPal answered for (one it did not answer for is left for the
     * next pass).
     */
    public Reconciled reconcile() {
        record Merchant(String id, ZarinPal.Unit unit) {}
        List<Merchant> merchants = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT DISTINCT merchant_id, currency_unit FROM payment.transactions
                        WHERE status = 'pending' AND authority IS NOT NULL
                        """)
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
            List<String> candidates = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT authority FROM payment.transactions
                            WHERE status = 'pending' AND authority IS NOT NULL AND merchant_id = :m AND currency_unit = :u
                              AND (authority = ANY(:listed) OR verify_attempts > 0)
                            """)
                    .bind("m", merchant.id())
                    .bind("u", merchant.unit().name())
                    .bind("listed", listed.toArray(String[]::new))
                    .mapTo(String.class)
                    .list());
            for (String authority : candidates) {
                Optional<Transaction> settled = settle(authority, Source.RECONCILIATION);
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

    private boolean expire(UUID id) {
        return jdbi.inTransaction(handle -> {
            Optional<Transaction> row = handle.createQuery(SELECT + " WHERE id = :id FOR UPDATE")
                    .bind("id", id)
                    .map((rs, c) -> row(rs))
                    .findOne();
            if (row.isEmpty() || !row.get().pending() || row.get().expiresAt().isAfter(Instant.now())) {
                return false;
            }
            finish(
                    handle,
                    row.get(),
                    "expired",
                    null,
                    "nobody paid before " + row.get().expiresAt(),
                    true);
            return true;
        });
    }

    private static String mask(String merchant) {
        return merchant.substring(0, 4) + "…" + merchant.substring(merchant.length() - 4);
    }

    // ---------------------------------------------------------------- rows

    private static final String SELECT = """
            SELECT id, client_id, order_id, request_sha256, amount_rial, description, return_url, mobile, email,
                merchant_id, currency_unit, status, authority, ref_id, card_pan, card_hash, fee_rial, fee_type,
                failure_code, failure_message, last_error, created_at, expires_at, paid_at
            FROM payment.transactions""";

    public Optional<Transaction> find(UUID clientId, Optional<UUID> id, Optional<String> orderId) {
        return jdbi.withHandle(
                handle -> handle.createQuery(SELECT + " WHERE client_id = :client AND (id = :id OR order_id = :order)")
                        .bind("client", clientId)
                        .bind("id", id.orElse(null))
                        .bind("order", orderId.orElse(null))
                        .map((rs, c) -> row(rs))
                        .findOne());
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
            Optional<Instant> createdAfter,
            Optional<Instant> createdBefore,
            Optional<Instant> cursorCreatedAt,
            Optional<UUID> cursorId,
            int limit) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + """
                         WHERE (CAST(:client AS uuid) IS NULL OR client_id = :client)
                          AND (CAST(:status AS text) IS NULL OR status = :status)
                          AND (CAST(:order AS text) IS NULL OR order_id = :order)
                          AND (CAST(:after AS timestamptz) IS NULL OR created_at >= :after)
                          AND (CAST(:before AS timestamptz) IS NULL OR created_at < :before)
                          AND (CAST(:cursorAt AS timestamptz) IS NULL OR (created_at, id) < (:cursorAt, :cursorId))
                        ORDER BY created_at DESC, id DESC
                        LIMIT :limit
                        """)
                .bind("client", clientId.orElse(null))
                .bind("status", status.orElse(null))
                .bind("order", orderId.orElse(null))
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
                Optional.ofNullable((Long) rs.getObject("ref_id", Long.class)),
                Optional.ofNullable(rs.getString("card_pan")),
                Optional.ofNullable(rs.getString("card_hash")),
                Optional.ofNullable((Long) rs.getObject("fee_rial", Long.class)),
                Optional.ofNullable(rs.getString("fee_type")),
                Optional.ofNullable((Integer) rs.getObject("failure_code", Integer.class)),
                Optional.ofNullable(rs.getString("failure_message")),
                Optional.ofNullable(rs.getString("last_error")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("paid_at")).map(java.sql.Timestamp::toInstant));
    }

    /** A transaction as clients, webhooks and admins see it (PAYMENTS.md section 4). */
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
        if (t.refId().isPresent()) {
            node.put("ref_id", t.refId().get());
        } else {
            node.putNull("ref_id");
        }
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
        node.put("created_at", t.createdAt().toString());
        node.put("expires_at", t.expiresAt().toString());
        node.put("paid_at", t.paidAt().map(Instant::toString).orElse(null));
        return node;
    }
}
