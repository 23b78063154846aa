package ir.flatrender.gateway.payment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code payment.transactions} and the webhook deliveries their outcomes queue. Every state
 * change names the state it comes from.
 */
@RegisterRowMapper(TransactionDao.TransactionMapper.class)
@RegisterConstructorMapper(TransactionDao.Candidate.class)
public interface TransactionDao {
    /** A merchant account with payments to reconcile. */
    record Merchant(String merchantId, ZarinPal.Unit unit) {}

    /** A payment reconciliation verifies: {@code listed} when ZarinPal lists it as paid and unverified. */
    record Candidate(String authority, boolean listed) {}

    String COLUMNS = """
            id, client_id, order_id, request_sha256, amount_rial, description, return_url, mobile, email,
                merchant_id, currency_unit, status, authority, ref_id, card_pan, card_hash, fee_rial, fee_type,
                failure_code, failure_message, last_error, created_at, expires_at, paid_at, buyer_status, last_code,
                verify_attempts, coalesce(verifying_until > now(), false) AS verifying, attention, attention_at,
                paid_after
            """;

    String SELECT = "SELECT " + COLUMNS + " FROM payment.transactions ";

    /** Makes the client's transaction for the order unless it has one: 1 when made. */
    @SqlUpdate("""
            INSERT INTO payment.transactions (client_id, order_id, request_sha256, amount_rial,
                description, return_url, mobile, email, merchant_id, currency_unit, expires_at)
            VALUES (:client, :order, :digest, :amount, :description, :returnUrl, :mobile,
                :email, :merchant, :unit, now() + make_interval(secs => :expiry))
            ON CONFLICT (client_id, order_id) DO NOTHING
            """)
    int insert(
            @Bind("client") UUID clientId,
            @Bind("order") String orderId,
            @Bind("digest") String requestSha256,
            @Bind("amount") long amountRial,
            @Bind("description") String description,
            @Bind("returnUrl") String returnUrl,
            @Bind("mobile") String mobile,
            @Bind("email") String email,
            @Bind("merchant") String merchantId,
            @Bind("unit") String unit,
            @Bind("expiry") double expirySeconds);

    @SqlQuery(SELECT + "WHERE client_id = :client AND order_id = :order FOR UPDATE")
    Optional<Transactions.Transaction> lockByOrder(@Bind("client") UUID clientId, @Bind("order") String orderId);

    @SqlQuery(SELECT + "WHERE id = :id FOR UPDATE")
    Optional<Transactions.Transaction> lock(@Bind("id") UUID id);

    @SqlQuery(SELECT + "WHERE id = :id")
    Optional<Transactions.Transaction> find(@Bind("id") UUID id);

    @SqlQuery(SELECT + "WHERE authority = :a")
    Optional<Transactions.Transaction> findByAuthority(@Bind("a") String authority);

    @SqlQuery(SELECT + "WHERE client_id = :client AND (id = :id OR order_id = :order)")
    Optional<Transactions.Transaction> findOfClient(
            @Bind("client") UUID clientId, @Bind("id") UUID id, @Bind("order") String orderId);

    /** A page for the admin API, newest first; a null filter takes all. */
    @SqlQuery(SELECT + """
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
    List<Transactions.Transaction> list(
            @Bind("client") UUID clientId,
            @Bind("status") String status,
            @Bind("order") String orderId,
            @Bind("attention") boolean needsAttention,
            @Bind("after") Timestamp createdAfter,
            @Bind("before") Timestamp createdBefore,
            @Bind("cursorAt") Timestamp cursorCreatedAt,
            @Bind("cursorId") UUID cursorId,
            @Bind("limit") int limit);

    @SqlUpdate("""
            UPDATE payment.transactions SET authority = :authority, fee_rial = :fee, fee_type = :feeType,
                last_error = NULL
            WHERE id = :id
            """)
    int asked(
            @Bind("id") UUID id,
            @Bind("authority") String authority,
            @Bind("fee") Long feeRial,
            @Bind("feeType") String feeType);

    /** What the buyer's browser said at the callback, on a pending payment. */
    @SqlUpdate("""
            UPDATE payment.transactions SET buyer_status = :status
            WHERE authority = :a AND status = 'pending'
            """)
    int noteBuyerStatus(@Bind("a") String authority, @Bind("status") String status);

    /**
     * Claims a verification of the payment with a lease: pending (or, when {@code listed},
     * closed), no lease live, its retry due. Empty when it is not to be verified now.
     */
    @SqlQuery("""
            UPDATE payment.transactions SET verifying_until = now() + make_interval(secs => :lease),
                verify_attempts = verify_attempts + 1
            WHERE authority = :a
              AND (status = 'pending' OR (:listed AND status IN ('failed', 'cancelled', 'expired')))
              AND (verifying_until IS NULL OR verifying_until < now())
              AND (next_verify_at IS NULL OR next_verify_at <= now())
            RETURNING
            """ + COLUMNS)
    Optional<Transactions.Transaction> claim(
            @Bind("a") String authority, @Bind("lease") double leaseSeconds, @Bind("listed") boolean listed);

    /** A verify that did not settle it: the lease given back, the next try scheduled (never, when {@code stop}). */
    @SqlUpdate("""
            UPDATE payment.transactions SET last_error = :e, last_code = :code, verifying_until = NULL,
                next_verify_at = CASE WHEN :stop THEN 'infinity'::timestamptz
                    WHEN CAST(:delay AS double precision) IS NULL THEN NULL
                    ELSE now() + make_interval(secs => :delay) END,
                attention = COALESCE(:attention, attention),
                attention_at = CASE WHEN CAST(:attention AS text) IS NULL THEN attention_at ELSE now() END
            WHERE id = :id AND status = :from
            """)
    int unsettled(
            @Bind("id") UUID id,
            @Bind("from") String from,
            @Bind("e") String error,
            @Bind("code") Integer code,
            @Bind("stop") boolean stop,
            @Bind("delay") Double delaySeconds,
            @Bind("attention") String attention);

    /** {@code from → paid}, with what verify said: 1 when it moved. */
    @SqlUpdate("""
            UPDATE payment.transactions SET status = 'paid', ref_id = :ref, card_pan = :pan,
                card_hash = :hash, fee_rial = :fee, fee_type = :feeType, last_error = NULL,
                last_code = NULL, verifying_until = NULL, next_verify_at = NULL,
                paid_after = :paidAfter, attention = COALESCE(:attention, attention),
                attention_at = CASE WHEN CAST(:attention AS text) IS NULL THEN attention_at ELSE now() END,
                paid_at = now(), finished_at = now()
            WHERE id = :id AND status = :from
            """)
    int paid(
            @Bind("id") UUID id,
            @Bind("from") String from,
            @Bind("ref") String refId,
            @Bind("pan") String cardPan,
            @Bind("hash") String cardHash,
            @Bind("fee") Long feeRial,
            @Bind("feeType") String feeType,
            @Bind("paidAfter") String paidAfter,
            @Bind("attention") String attention);

    /** Gives a claimed verification back. */
    @SqlUpdate("UPDATE payment.transactions SET verifying_until = NULL WHERE id = :id")
    int release(@Bind("id") UUID id);

    /** {@code pending → status} (failed, cancelled, expired), with why. */
    @SqlUpdate("""
            UPDATE payment.transactions SET status = :status, failure_code = :code, failure_message = :message,
                finished_at = now()
            WHERE id = :id AND status = 'pending'
            """)
    int finish(
            @Bind("id") UUID id,
            @Bind("status") String status,
            @Bind("code") Integer code,
            @Bind("message") String message);

    /** Queues an event's webhook, once per transaction and event, when the client has a webhook URL. */
    @SqlUpdate("""
            INSERT INTO payment.webhook_deliveries (id, client_id, transaction_id, event, payload)
            SELECT :id, a.id, :tx, :event, CAST(:payload AS jsonb)
            FROM payment.client_apps a WHERE a.id = :client AND a.webhook_url IS NOT NULL
            ON CONFLICT (transaction_id, event) DO NOTHING
            """)
    int enqueueWebhook(
            @Bind("id") String messageId,
            @Bind("client") UUID clientId,
            @Bind("tx") UUID transactionId,
            @Bind("event") String event,
            @Bind("payload") String payload);

    /** Merchants with payments open, or closed within {@code windowSeconds} and not paid. */
    @SqlQuery("""
            SELECT DISTINCT merchant_id, currency_unit FROM payment.transactions
            WHERE authority IS NOT NULL
              AND (status = 'pending'
                OR (status <> 'paid' AND finished_at > now() - make_interval(secs => :window)))
            """)
    @RegisterRowMapper(MerchantMapper.class)
    List<Merchant> merchantsToReconcile(@Bind("window") double windowSeconds);

    @SqlQuery("""
            SELECT authority, authority = ANY(:listed) AS listed FROM payment.transactions
            WHERE merchant_id = :m AND currency_unit = :u AND authority IS NOT NULL
              AND (next_verify_at IS NULL OR next_verify_at <= now())
              AND ((authority = ANY(:listed) AND status <> 'paid')
                OR (status = 'pending' AND next_verify_at <= now()))
            """)
    List<Candidate> candidates(@Bind("m") String merchantId, @Bind("u") String unit, @Bind("listed") String[] listed);

    /** The merchant's pending payments past their expiry that ZarinPal does not list. */
    @SqlQuery("""
            SELECT id FROM payment.transactions
            WHERE status = 'pending' AND expires_at < now() AND merchant_id = :m
              AND currency_unit = :u AND NOT (authority = ANY(:listed))
            """)
    List<UUID> dueToExpire(@Bind("m") String merchantId, @Bind("u") String unit, @Bind("listed") String[] listed);

    /** Pending payments past their expiry that ZarinPal never gave an authority for. */
    @SqlQuery("""
            SELECT id FROM payment.transactions WHERE status = 'pending' AND authority IS NULL AND expires_at < now()
            """)
    List<UUID> unaskedExpired();

    final class MerchantMapper implements RowMapper<Merchant> {
        @Override
        public Merchant map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Merchant(rs.getString(1), ZarinPal.Unit.valueOf(rs.getString(2)));
        }
    }

    final class TransactionMapper implements RowMapper<Transactions.Transaction> {
        @Override
        public Transactions.Transaction map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Transactions.Transaction(
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
                    Optional.ofNullable(rs.getObject("fee_rial", Long.class)),
                    Optional.ofNullable(rs.getString("fee_type")),
                    Optional.ofNullable(rs.getObject("failure_code", Integer.class)),
                    Optional.ofNullable(rs.getString("failure_message")),
                    Optional.ofNullable(rs.getString("last_error")),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("expires_at").toInstant(),
                    Optional.ofNullable(rs.getTimestamp("paid_at")).map(Timestamp::toInstant),
                    Optional.ofNullable(rs.getString("buyer_status")),
                    Optional.ofNullable(rs.getObject("last_code", Integer.class)),
                    rs.getInt("verify_attempts"),
                    rs.getBoolean("verifying"),
                    Optional.ofNullable(rs.getString("attention")),
                    Optional.ofNullable(rs.getTimestamp("attention_at")).map(Timestamp::toInstant),
                    Optional.ofNullable(rs.getString("paid_after")));
        }
    }
}
