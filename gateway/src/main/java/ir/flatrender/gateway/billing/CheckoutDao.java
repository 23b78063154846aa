package ir.flatrender.gateway.billing;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.checkouts}: a plan's payment requests, {@code pending} until paid or failed. */
@RegisterConstructorMapper(CheckoutDao.Checkout.class)
@RegisterConstructorMapper(CheckoutDao.PlanPrice.class)
@RegisterConstructorMapper(CheckoutDao.Paid.class)
public interface CheckoutDao {
    /** A checkout as its tenant sees it; {@code paymentUrl} and {@code refId} are null until known. */
    record Checkout(
            UUID id,
            String planId,
            long amountRial,
            String state,
            String paymentUrl,
            String refId,
            Instant createdAt) {}

    /** An active plan's name and price. */
    record PlanPrice(String nameEn, long priceRial) {}

    /** A checkout just paid: whose wallet, which plan, how much. */
    record Paid(UUID tenantId, String planId, long amountRial) {}

    @SqlQuery("SELECT name_en, price_rial FROM identity.plans WHERE id = :id AND active")
    Optional<PlanPrice> activePlan(@Bind("id") String planId);

    @SqlQuery("""
            INSERT INTO identity.checkouts (tenant_id, user_id, plan_id, amount_rial)
            VALUES (:tenant, :user, :plan, :amount)
            RETURNING id
            """)
    UUID insert(
            @Bind("tenant") UUID tenantId,
            @Bind("user") UUID userId,
            @Bind("plan") String planId,
            @Bind("amount") long amountRial);

    /** The broker's transaction and payment page of a checkout just asked for. */
    @SqlUpdate("""
            UPDATE identity.checkouts
            SET transaction_id = :tx, payment_url = :url
            WHERE id = :id
            """)
    int requested(@Bind("id") UUID id, @Bind("tx") UUID transactionId, @Bind("url") String paymentUrl);

    /** {@code pending → failed}: answers the rows moved. */
    @SqlUpdate("""
            UPDATE identity.checkouts
            SET state = 'failed', finished_at = now()
            WHERE id = :id AND state = 'pending'
            """)
    int failPending(@Bind("id") UUID id);

    /** Any state but {@code paid} → {@code paid}, when the amount is the checkout's; empty otherwise. */
    @SqlQuery("""
            UPDATE identity.checkouts
            SET state = 'paid', ref_id = :ref, finished_at = now()
            WHERE id = :id AND state <> 'paid' AND amount_rial = :amount
            RETURNING tenant_id, plan_id, amount_rial
            """)
    Optional<Paid> markPaid(@Bind("id") UUID id, @Bind("ref") String refId, @Bind("amount") long amountRial);

    @SqlUpdate("UPDATE identity.tenants SET plan_id = :plan, updated_at = now() WHERE id = :tenant")
    int switchPlan(@Bind("tenant") UUID tenantId, @Bind("plan") String planId);

    @SqlQuery("SELECT tenant_id FROM identity.checkouts WHERE id = :id")
    Optional<UUID> tenantOf(@Bind("id") UUID id);

    @SqlQuery("""
            SELECT id, plan_id, amount_rial, state, payment_url, ref_id, created_at
            FROM identity.checkouts
            WHERE id = :id AND tenant_id = :tenant
            """)
    Optional<Checkout> find(@Bind("id") UUID id, @Bind("tenant") UUID tenantId);
}
