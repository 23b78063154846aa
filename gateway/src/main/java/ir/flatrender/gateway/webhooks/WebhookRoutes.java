package ir.flatrender.gateway.webhooks;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import java.util.List;
import java.util.Optional;

/** A tenant's webhooks over {@link TenantWebhooks}. */
public final class WebhookRoutes {
    private final TenantWebhooks webhooks;
    private final boolean allowPrivate;
    private final ObjectMapper json;

    public WebhookRoutes(TenantWebhooks webhooks, boolean allowPrivate, ObjectMapper json) {
        this.webhooks = requireNonNull(webhooks, "webhooks is null");
        this.allowPrivate = allowPrivate;
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/webhooks", this::create);
        routes.get("/v1/webhooks", this::list);
        routes.delete("/v1/webhooks/{id}", this::delete);
        routes.post("/v1/webhooks/{id}/enable", this::enable);
        routes.get("/v1/webhooks/{id}/deliveries", this::deliveries);
    }

    private static Principal admin(Context ctx) {
        Principal principal = Callers.principal(ctx);
        TenantWebhooks.requireManager(principal);
        return principal;
    }

    private void create(Context ctx) {
        Principal principal = admin(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        String url = body.string("url", 2000);
        List<String> events = body.strings("events", Webhooks.EVENTS);
        if (url != null) {
            WebhookTargets.problem(url, allowPrivate).ifPresent(problem -> body.error("url", problem));
        }
        body.check();
        TenantWebhooks.Created created = webhooks.create(principal, url, events, AuditLog.Origin.of(ctx));
        ObjectNode out = json.createObjectNode();
        out.put("id", created.id());
        out.put("url", created.url());
        out.set("events", json.valueToTree(created.events()));
        out.put("enabled", true);
        out.put("secret", created.secret());
        ctx.status(201).json(out);
    }

    private void list(Context ctx) {
        ArrayNode out = json.createArrayNode();
        for (TenantWebhookDao.WebhookRow webhook : webhooks.list(admin(ctx))) {
            ObjectNode node = out.addObject();
            node.put("id", webhook.id());
            node.put("url", webhook.url());
            node.set("events", json.valueToTree(webhook.events()));
            node.put("enabled", webhook.enabled());
            Optional.ofNullable(webhook.disabledReason()).ifPresent(r -> node.put("disabled_reason", r));
            node.put("created_at", webhook.createdAt().toString());
        }
        ctx.json(json.createObjectNode().set("webhooks", out));
    }

    private void delete(Context ctx) {
        webhooks.delete(admin(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    private void enable(Context ctx) {
        webhooks.enable(admin(ctx), ctx.pathParam("id"));
        ctx.json(json.createObjectNode().put("id", ctx.pathParam("id")).put("enabled", true));
    }

    private void deliveries(Context ctx) {
        ArrayNode out = json.createArrayNode();
        for (TenantWebhookDao.DeliveryRow delivery : webhooks.deliveries(admin(ctx), ctx.pathParam("id"))) {
            ObjectNode node = out.addObject();
            node.put("id", delivery.id());
            node.put("event", delivery.event());
            node.put("state", delivery.state());
            node.put("attempts", delivery.attempts());
            if (delivery.lastStatus() != null) {
                node.put("last_status", delivery.lastStatus());
            }
            Optional.ofNullable(delivery.lastError()).ifPresent(e -> node.put("last_error", e));
            if (delivery.state().equals("pending")) {
                node.put("next_attempt_at", delivery.nextAttemptAt().toString());
            }
            Optional.ofNullable(delivery.deliveredAt()).ifPresent(t -> node.put("delivered_at", t.toString()));
            node.put("created_at", delivery.createdAt().toString());
        }
        ctx.json(json.createObjectNode().set("deliveries", out));
    }
}
