package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.payment.ClientSignature;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan checkouts: FlatRender pays through its own payment broker like any client site. A
 * checkout asks the broker for a payment of the plan's price; the broker's signed webhook
 * marks it paid, credits the wallet and moves the tenant to the plan, once (the checkout's
 * state and a unique ledger reference both see to it).
 */
public final class Checkouts {
    private static final Logger log = LoggerFactory.getLogger(Checkouts.class);

    private final Jdbi jdbi;
    private final Wallet wallet;
    private final CheckoutConfig config;
    private final Supplier<String> ownUrl;
    private final FlatPayClient broker;
    private final ObjectMapper json;

    public Checkouts(Jdbi jdbi, Wallet wallet, CheckoutConfig config, Supplier<String> ownUrl, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.wallet = requireNonNull(wallet, "wallet is null");
        this.config = requireNonNull(config, "config is null");
        this.ownUrl = requireNonNull(ownUrl, "ownUrl is null");
        this.json = requireNonNull(json, "json is null");
        this.broker = new FlatPayClient(config.apiKey(), config.hmacSecret(), json);
    }

    public void register(RouteTable routes) {
        routes.post("/v1/billing/checkouts", this::create);
        // Before /{checkoutId}, which would take "return" for an id.
        routes.get(CheckoutConfig.RETURN_PATH, this::returned);
        routes.post(CheckoutConfig.WEBHOOK_PATH, this::webhook);
        routes.get("/v1/billing/checkouts/{checkoutId}", this::show);
    }

    private String publicUrl() {
        return config.publicUrl().orElseGet(ownUrl);
    }

    private void create(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.ADMIN);
        if (principal.apiKeyId().isPresent()) {
            throw Problem.forbidden("a checkout is started by a signed-in member, not an API key");
        }
        RequestBodies body = RequestBodies.read(ctx, json);
        String planId = body.string("plan_id", 40);
        body.check();
        record Plan(String name, long price) {}
        Plan plan = jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT name_en, price_rial FROM identity.plans WHERE id = :id AND active")
                        .bind("id", planId)
                        .map((rs, c) -> new Plan(rs.getString(1), rs.getLong(2)))
                        .findOne())
                .orElseThrow(() -> Problem.invalidField("plan_id", "is not an active plan"));
        if (plan.price() <= 0) {
            throw Problem.invalidField("plan_id", "is free: nothing to pay");
        }
        UUID id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO identity.checkouts (tenant_id, user_id, plan_id, amount_rial)
                        VALUES (:tenant, :user, :plan, :amount) RETURNING id
                        """)
                .bind("tenant", principal.tenantId())
                .bind("user", principal.userId().orElse(null))
                .bind("plan", planId)
                .bind("amount", plan.price())
                .mapTo(UUID.class)
                .one());
        ObjectNode ask = json.createObjectNode();
        ask.put("amount", plan.price());
        ask.put("order_id", "checkout-" + id);
        ask.put("description", "FlatRender " + plan.name() + " plan");
        ask.put("return_url", publicUrl() + CheckoutConfig.RETURN_PATH);
        JsonNode transaction;
        try {
            transaction = broker.post(config.brokerUrl().orElseGet(ownUrl), "/v1/pay/request", ask);
        } catch (Problem e) {
            jdbi.useHandle(handle -> handle.createUpdate(
                            "UPDATE identity.checkouts SET state = 'failed', finished_at = now() WHERE id = :id")
                    .bind("id", id)
                    .execute());
            throw e;
        }
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE identity.checkouts SET transaction_id = :tx, payment_url = :url WHERE id = :id")
                .bind("tx", UUID.fromString(transaction.path("id").asText()))
                .bind("url", transaction.path("payment_url").asText())
                .bind("id", id)
                .execute());
        ctx.status(201).json(toJson(find(id, principal.tenantId()).orElseThrow()));
    }

    private void show(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.VIEWER);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("checkoutId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("checkout " + ctx.pathParam("checkoutId"));
        }
        ctx.json(toJson(find(id, principal.tenantId())
                .orElseThrow(() -> Problem.notFound("checkout " + ctx.pathParam("checkoutId")))));
    }

    /** The buyer back from the broker: the signed result, checked, and the checkout as it stands. */
    private void returned(Context ctx) {
        String id = ctx.queryParam("flatpay_id");
        String orderId = ctx.queryParam("flatpay_order_id");
        String status = ctx.queryParam("flatpay_status");
        String refId = ctx.queryParam("flatpay_ref_id");
        long expires = ClientSignature.parseTimestamp(ctx.queryParam("flatpay_expires"));
        String signature = ctx.queryParam("flatpay_signature");
        if (id == null
                || orderId == null
                || status == null
                || refId == null
                || expires < 0
                || signature == null
                || !ClientSignature.constantTimeEquals(
                        signature,
                        ClientSignature.signReturn(config.hmacSecret(), id, orderId, status, refId, expires))) {
            throw Problem.of(
                    400, "return-invalid", "The payment result is not genuine", "its signature does not match");
        }
        if (expires < Instant.now().getEpochSecond()) {
            throw Problem.of(400, "return-expired", "The payment result has expired", "open the checkout to see it");
        }
        Optional<ObjectNode> checkout = checkoutOf(orderId)
                .flatMap(uuid -> jdbi.withHandle(
                                handle -> handle.createQuery("SELECT tenant_id FROM identity.checkouts WHERE id = :id")
                                        .bind("id", uuid)
                                        .mapTo(UUID.class)
                                        .findOne())
                        .flatMap(tenant -> find(uuid, tenant))
                        .map(this::toJson));
        ObjectNode out = json.createObjectNode();
        out.put("payment_status", status);
        out.put("ref_id", refId.isEmpty() ? null : refId);
        checkout.ifPresent(c -> out.set("checkout", c));
        out.put(
                "note",
                "paid".equals(status)
                        ? "payment received; the wallet is credited when the payment broker confirms it"
                        : "the payment did not go through");
        ctx.json(out);
    }

    /**
     * The broker's webhook. Checked per Standard Webhooks; an event for a checkout credits the
     * wallet once, however often it is delivered. Answers 204 for anything genuine.
     */
    private void webhook(Context ctx) {
        String payload = ctx.body();
        if (!WebhookSignature.verify(
                config.webhookSecret(),
                ctx.header("webhook-id"),
                ctx.header("webhook-timestamp"),
                ctx.header("webhook-signature"),
                payload,
                Instant.now().getEpochSecond())) {
            throw Problem.unauthorized("the webhook's signature does not verify");
        }
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Problem.malformed("the webhook is not JSON");
        }
        String type = event.path("type").asText();
        JsonNode data = event.path("data");
        Optional<UUID> checkoutId = checkoutOf(data.path("order_id").asText());
        if (checkoutId.isEmpty()) {
            ctx.status(204);
            return;
        }
        long amount = data.path("amount").asLong();
        String messageId = ctx.header("webhook-id");
        if (type.equals("payment.succeeded")) {
            credit(checkoutId.get(), amount, data.path("ref_id").asLong(), messageId);
        } else if (type.equals("payment.failed")
                || type.equals("payment.cancelled")
                || type.equals("payment.expired")) {
            jdbi.useHandle(handle ->
                    handle.createUpdate("""
                            UPDATE identity.checkouts SET state = 'failed', finished_at = now()
                            WHERE id = :id AND state = 'pending'
                            """).bind("id", checkoutId.get()).execute());
        }
        ctx.status(204);
    }

    private void credit(UUID checkoutId, long amount, long refId, String messageId) {
        jdbi.useTransaction(handle -> {
            record Paid(UUID tenant, String plan, long amount) {}
            Optional<Paid> paid = handle.createQuery("""
                            UPDATE identity.checkouts SET state = 'paid', ref_id = :ref, finished_at = now()
                            WHERE id = :id AND state <> 'paid' AND amount_rial = :amount
                            RETURNING tenant_id, plan_id, amount_rial
                            """)
                    .bind("ref", refId)
                    .bind("id", checkoutId)
                    .bind("amount", amount)
                    .map((rs, c) -> new Paid(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3)))
                    .findOne();
            if (paid.isEmpty()) {
                log.info(
                        "checkout {}: webhook {} changes nothing (paid before, or another amount)",
                        checkoutId,
                        messageId);
                return;
            }
            wallet.lock(handle, paid.get().tenant());
            wallet.credit(handle, paid.get().tenant(), paid.get().amount(), "checkout:" + checkoutId);
            handle.createUpdate("UPDATE identity.tenants SET plan_id = :plan, updated_at = now() WHERE id = :t")
                    .bind("plan", paid.get().plan())
                    .bind("t", paid.get().tenant())
                    .execute();
            AuditLog.record(
                    handle,
                    paid.get().tenant(),
                    Optional.empty(),
                    "checkout.paid",
                    "checkout:" + checkoutId,
                    json.createObjectNode()
                            .put("plan_id", paid.get().plan())
                            .put("amount_rial", paid.get().amount())
                            .put("ref_id", refId)
                            .put("webhook_id", messageId),
                    messageId,
                    null);
            log.info(
                    "checkout {} paid: {} Rial to the wallet of tenant {}",
                    checkoutId,
                    paid.get().amount(),
                    paid.get().tenant());
        });
    }

    private static Optional<UUID> checkoutOf(String orderId) {
        if (orderId == null || !orderId.startsWith("checkout-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(orderId.substring("checkout-".length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private record Checkout(
            UUID id,
            String planId,
            long amount,
            String state,
            Optional<String> paymentUrl,
            Optional<Long> refId,
            Instant createdAt) {}

    private Optional<Checkout> find(UUID id, UUID tenant) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, plan_id, amount_rial, state, payment_url, ref_id, created_at FROM identity.checkouts
                        WHERE id = :id AND tenant_id = :tenant
                        """)
                .bind("id", id)
                .bind("tenant", tenant)
                .map((rs, c) -> new Checkout(
                        rs.getObject("id", UUID.class),
                        rs.getString("plan_id"),
                        rs.getLong("amount_rial"),
                        rs.getString("state"),
                        Optional.ofNullable(rs.getString("payment_url")),
                        Optional.ofNullable((Long) rs.getObject("ref_id", Long.class)),
                        rs.getTimestamp("created_at").toInstant()))
                .findOne());
    }

    private ObjectNode toJson(Checkout c) {
        ObjectNode node = json.createObjectNode();
        node.put("id", c.id().toString());
        node.put("plan_id", c.planId());
        node.put("amount_rial", c.amount());
        node.put("state", c.state());
        node.put("payment_url", c.state().equals("pending") ? c.paymentUrl().orElse(null) : null);
        if (c.refId().isPresent()) {
            node.put("ref_id", c.refId().get());
        } else {
            node.putNull("ref_id");
        }
        node.put("created_at", c.createdAt().toString());
        return node;
    }
}
