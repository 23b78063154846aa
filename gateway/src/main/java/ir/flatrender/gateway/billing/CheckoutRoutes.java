package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.payment.ClientSignature;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Plan checkouts: FlatRender pays through its own payment broker like any client site. A
 * checkout asks the broker for a payment of the plan's price; the broker's signed webhook
 * marks it paid, credits the wallet and moves the tenant to the plan, once (the checkout's
 * state and a unique ledger reference both see to it).
 */
public final class CheckoutRoutes {
    private final PlanCheckouts checkouts;
    private final CheckoutConfig config;
    private final Supplier<String> ownUrl;
    private final ObjectMapper json;

    public CheckoutRoutes(PlanCheckouts checkouts, CheckoutConfig config, Supplier<String> ownUrl, ObjectMapper json) {
        this.checkouts = requireNonNull(checkouts, "checkouts is null");
        this.config = requireNonNull(config, "config is null");
        this.ownUrl = requireNonNull(ownUrl, "ownUrl is null");
        this.json = requireNonNull(json, "json is null");
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
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.ADMIN);
        if (principal.apiKeyId().isPresent()) {
            throw Problem.forbidden("a checkout is started by a signed-in member, not an API key");
        }
        RequestBodies body = RequestBodies.read(ctx, json);
        String planId = body.string("plan_id", 40);
        body.check();
        CheckoutDao.Checkout checkout =
                checkouts.start(principal, planId, publicUrl() + CheckoutConfig.PAGE_RETURN_PATH);
        ctx.status(201).json(toJson(checkout));
    }

    private void show(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.VIEWER);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("checkoutId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("checkout " + ctx.pathParam("checkoutId"));
        }
        ctx.json(toJson(checkouts
                .find(id, principal.tenantId())
                .orElseThrow(() -> Problem.notFound("checkout " + ctx.pathParam("checkoutId")))));
    }

    /**
     * The signed result the buyer came back with (to the web app's page, which calls this with
     * its query), checked, and the checkout as it stands.
     */
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
        Optional<ObjectNode> checkout = checkouts.byOrder(orderId).map(this::toJson);
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
        Optional<UUID> checkoutId =
                PlanCheckouts.checkoutOf(data.path("order_id").asText());
        if (checkoutId.isEmpty()) {
            ctx.status(204);
            return;
        }
        long amount = data.path("amount").asLong();
        String messageId = ctx.header("webhook-id");
        if (type.equals("payment.succeeded")) {
            JsonNode ref = data.path("ref_id");
            // As sent (the broker sends text; a number is taken as its digits), never parsed into a long.
            checkouts.paid(
                    checkoutId.get(), amount, ref.isTextual() || ref.isNumber() ? ref.asText() : null, messageId);
        } else if (type.equals("payment.failed")
                || type.equals("payment.cancelled")
                || type.equals("payment.expired")) {
            checkouts.failed(checkoutId.get());
        }
        ctx.status(204);
    }

    private ObjectNode toJson(CheckoutDao.Checkout c) {
        ObjectNode node = json.createObjectNode();
        node.put("id", c.id().toString());
        node.put("plan_id", c.planId());
        node.put("amount_rial", c.amountRial());
        node.put("state", c.state());
        node.put("payment_url", c.state().equals("pending") ? c.paymentUrl() : null);
        if (c.refId() != null) {
            node.put("ref_id", c.refId());
        } else {
            node.putNull("ref_id");
        }
        node.put("created_at", c.createdAt().toString());
        return node;
    }
}
