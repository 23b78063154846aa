package ir.flatrender.gateway.webhooks;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.SecretBox;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** A tenant's webhooks: made (the secret shown once), listed, removed, re-enabled, their deliveries. */
public final class WebhookRoutes {
    private final Jdbi jdbi;
    private final SecretBox secrets;
    /** Webhooks one tenant may have: each is a share of the deliverer's senders. */
    public static final int MAX_PER_TENANT = 10;

    private final boolean allowPrivate;
    private final ObjectMapper json;

    public WebhookRoutes(Jdbi jdbi, SecretBox secrets, boolean allowPrivate, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
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

    /** A tenant admin, or an API key with the webhooks:write scope. */
    private static Principal admin(Context ctx) {
        Principal principal = Requests.principal(ctx);
        if (principal.apiKeyId().isPresent()) {
            principal.requireScope("webhooks:write");
        } else {
            principal.require(Principal.Role.ADMIN);
        }
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
        String id = Webhooks.newWebhookId();
        String secret = WebhookSignature.newSecret();
        jdbi.useTransaction(handle -> {
            int made = handle.createUpdate("""
                            INSERT INTO identity.tenant_webhooks (id, tenant_id, url, events, secret_encrypted)
                            SELECT :id, :t, :url, :events, :secret
                            WHERE (SELECT count(*) FROM identity.tenant_webhooks WHERE tenant_id = :t) < :max
                            """)
                    .bind("id", id)
                    .bind("t", principal.tenantId())
                    .bind("url", url)
                    .bind("events", events.toArray(String[]::new))
                    .bind("secret", secrets.seal(secret, "webhook:" + id))
                    .bind("max", MAX_PER_TENANT)
                    .execute();
            if (made == 0) {
                throw Problem.conflict(
                        "webhook-limit",
                        "a tenant has at most " + MAX_PER_TENANT + " webhooks; delete one to make another");
            }
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "webhook.created",
                    "webhook:" + id,
                    json.createObjectNode().put("url", url),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
        });
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("url", url);
        out.set("events", json.valueToTree(events));
        out.put("enabled", true);
        out.put("secret", secret);
        ctx.status(201).json(out);
    }

    private void list(Context ctx) {
        Principal principal = admin(ctx);
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT id, url, events, enabled, disabled_reason, created_at FROM identity.tenant_webhooks
                        WHERE tenant_id = :t ORDER BY created_at
                        """)
                .bind("t", principal.tenantId())
                .map((rs, c) -> {
                    ObjectNode node = out.addObject();
                    node.put("id", rs.getString("id"));
                    node.put("url", rs.getString("url"));
                    node.set("events", json.valueToTree(rs.getArray("events").getArray()));
                    node.put("enabled", rs.getBoolean("enabled"));
                    Optional.ofNullable(rs.getString("disabled_reason")).ifPresent(r -> node.put("disabled_reason", r));
                    node.put(
                            "created_at",
                            rs.getObject("created_at", OffsetDateTime.class).toString());
                    return node;
                })
                .list());
        ctx.json(json.createObjectNode().set("webhooks", out));
    }

    private void delete(Context ctx) {
        Principal principal = admin(ctx);
        int deleted = jdbi.withHandle(
                handle -> handle.createUpdate("DELETE FROM identity.tenant_webhooks WHERE id = :id AND tenant_id = :t")
                        .bind("id", ctx.pathParam("id"))
                        .bind("t", principal.tenantId())
                        .execute());
        if (deleted == 0) {
            throw Problem.notFound("webhook " + ctx.pathParam("id"));
        }
        ctx.status(204);
    }

    private void enable(Context ctx) {
        Principal principal = admin(ctx);
        int updated = jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE identity.tenant_webhooks SET enabled = true, disabled_reason = NULL
                        WHERE id = :id AND tenant_id = :t
                        """)
                .bind("id", ctx.pathParam("id"))
                .bind("t", principal.tenantId())
                .execute());
        if (updated == 0) {
            throw Problem.notFound("webhook " + ctx.pathParam("id"));
        }
        ctx.json(json.createObjectNode().put("id", ctx.pathParam("id")).put("enabled", true));
    }

    private void deliveries(Context ctx) {
        Principal principal = admin(ctx);
        ArrayNode out = json.createArrayNode();
        boolean found = jdbi.withHandle(handle -> {
            boolean exists = handle.createQuery(
                            "SELECT EXISTS (SELECT 1 FROM identity.tenant_webhooks WHERE id = :id AND tenant_id = :t)")
                    .bind("id", ctx.pathParam("id"))
                    .bind("t", principal.tenantId())
                    .mapTo(Boolean.class)
                    .one();
            if (!exists) {
                return false;
            }
            handle.createQuery("""
                            SELECT id, event, state, attempts, next_attempt_at, last_status, last_error, delivered_at,
                                created_at
                            FROM identity.webhook_deliveries WHERE webhook_id = :id AND tenant_id = :t
                            ORDER BY created_at DESC LIMIT 100
                            """)
                    .bind("id", ctx.pathParam("id"))
                    .bind("t", principal.tenantId())
                    .map((rs, c) -> {
                        ObjectNode node = out.addObject();
                        node.put("id", rs.getString("id"));
                        node.put("event", rs.getString("event"));
                        node.put("state", rs.getString("state"));
                        node.put("attempts", rs.getInt("attempts"));
                        if (rs.getObject("last_status") != null) {
                            node.put("last_status", rs.getInt("last_status"));
                        }
                        Optional.ofNullable(rs.getString("last_error")).ifPresent(e -> node.put("last_error", e));
                        if (rs.getString("state").equals("pending")) {
                            node.put(
                                    "next_attempt_at",
                                    rs.getObject("next_attempt_at", OffsetDateTime.class)
                                            .toString());
                        }
                        Optional.ofNullable(rs.getObject("delivered_at", OffsetDateTime.class))
                                .ifPresent(t -> node.put("delivered_at", t.toString()));
                        node.put(
                                "created_at",
                                rs.getObject("created_at", OffsetDateTime.class).toString());
                        return node;
                    })
                    .list();
            return true;
        });
        if (!found) {
            throw Problem.notFound("webhook " + ctx.pathParam("id"));
        }
        ctx.json(json.createObjectNode().set("deliveries", out));
    }
}
