package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a plan checkout: a payment of an active, priced plan asked of the broker; when
 * the broker reports it paid (for the checkout's amount), the wallet is credited and the tenant
 * moved to the plan, once, however often the report comes; a failed payment fails a pending
 * checkout.
 */
public final class PlanCheckouts {
    private static final Logger log = LoggerFactory.getLogger(PlanCheckouts.class);
    private static final String ORDER_PREFIX = "checkout-";

    private final Jdbi jdbi;
    private final Wallet wallet;
    private final CheckoutBroker broker;
    private final ObjectMapper json;

    public PlanCheckouts(Jdbi jdbi, Wallet wallet, CheckoutBroker broker, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.wallet = requireNonNull(wallet, "wallet is null");
        this.broker = requireNonNull(broker, "broker is null");
        this.json = requireNonNull(json, "json is null");
    }

    /**
     * A checkout of {@code planId} for the principal's tenant, asked of the broker with the
     * buyer's way back; 422 for a plan not on offer or a free one. A refusal of the broker fails
     * the checkout and is thrown on.
     */
    public CheckoutDao.Checkout start(Principal principal, String planId, String returnUrl) {
        CheckoutDao.PlanPrice plan = jdbi.withExtension(CheckoutDao.class, c -> c.activePlan(planId))
                .orElseThrow(() -> Problem.invalidField("plan_id", "is not an active plan"));
        if (plan.priceRial() <= 0) {
            throw Problem.invalidField("plan_id", "is free: nothing to pay");
        }
        UUID id = jdbi.withExtension(
                CheckoutDao.class,
                c -> c.insert(principal.tenantId(), principal.userId().orElse(null), planId, plan.priceRial()));
        CheckoutBroker.Requested requested;
        try {
            requested = broker.request(
                    plan.priceRial(), ORDER_PREFIX + id, "FlatRender " + plan.nameEn() + " plan", returnUrl);
        } catch (Problem e) {
            jdbi.useExtension(CheckoutDao.class, c -> c.failPending(id));
            throw e;
        }
        jdbi.useExtension(CheckoutDao.class, c -> c.requested(id, requested.transactionId(), requested.paymentUrl()));
        return find(id, principal.tenantId()).orElseThrow();
    }

    public Optional<CheckoutDao.Checkout> find(UUID id, UUID tenantId) {
        return jdbi.withExtension(CheckoutDao.class, c -> c.find(id, tenantId));
    }

    /** The checkout a broker's order id names, whichever tenant's it is. */
    public Optional<CheckoutDao.Checkout> byOrder(String orderId) {
        return checkoutOf(orderId)
                .flatMap(id -> jdbi.withExtension(
                        CheckoutDao.class, c -> c.tenantOf(id).flatMap(tenant -> c.find(id, tenant))));
    }

    /** The checkout's id in a broker's order id; empty for another app's order. */
    public static Optional<UUID> checkoutOf(String orderId) {
        if (orderId == null || !orderId.startsWith(ORDER_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(orderId.substring(ORDER_PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The broker says the checkout was paid: in one transaction it becomes paid, the wallet is
     * credited and the tenant moved to the plan, and it is audited under the webhook's id. Paid
     * before, or for another amount: nothing changes.
     */
    /**
     * The broker reported the checkout paid. {@code refId} is ZarinPal's reference as the broker
     * sent it (text: it may pass 2^63), or null when it sent none.
     */
    public void paid(UUID checkoutId, long amountRial, String refId, String messageId) {
        jdbi.useTransaction(handle -> {
            CheckoutDao checkouts = handle.attach(CheckoutDao.class);
            Optional<CheckoutDao.Paid> paid = checkouts.markPaid(checkoutId, refId, amountRial);
            if (paid.isEmpty()) {
                log.info(
                        "checkout {}: webhook {} changes nothing (paid before, or another amount)",
                        checkoutId,
                        messageId);
                return;
            }
            UUID tenant = paid.get().tenantId();
            wallet.lock(handle, tenant);
            wallet.credit(handle, tenant, paid.get().amountRial(), "checkout:" + checkoutId);
            checkouts.switchPlan(tenant, paid.get().planId());
            AuditLog.record(
                    handle,
                    tenant,
                    Optional.empty(),
                    "checkout.paid",
                    "checkout:" + checkoutId,
                    json.createObjectNode()
                            .put("plan_id", paid.get().planId())
                            .put("amount_rial", paid.get().amountRial())
                            .put("ref_id", refId)
                            .put("webhook_id", messageId),
                    messageId,
                    null);
            log.info(
                    "checkout {} paid: {} Rial to the wallet of tenant {}",
                    checkoutId,
                    paid.get().amountRial(),
                    tenant);
        });
    }

    /** The broker says the payment failed, was cancelled or expired: a pending checkout fails. */
    public void failed(UUID checkoutId) {
        jdbi.useExtension(CheckoutDao.class, c -> c.failPending(checkoutId));
    }
}
