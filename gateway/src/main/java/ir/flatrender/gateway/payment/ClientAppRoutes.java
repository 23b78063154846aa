package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AdminAudit;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.payment.ClientApps.ClientApp;
import ir.flatrender.gateway.payment.ClientApps.Issued;
import ir.flatrender.gateway.payment.ClientApps.Settings;
import ir.flatrender.gateway.webhooks.WebhookTargets;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The admin API of the broker's client apps: made, listed, changed, their credentials rotated. */
public final class ClientAppRoutes {
    private final ClientApps clients;
    private final boolean allowPrivateWebhooks;
    private final AdminAudit audit;
    private final ObjectMapper json;

    public ClientAppRoutes(ClientApps clients, boolean allowPrivateWebhooks, AdminAudit audit, ObjectMapper json) {
        this.clients = requireNonNull(clients, "clients is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.allowPrivateWebhooks = allowPrivateWebhooks;
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/admin/pay/clients", this::create);
        routes.get("/v1/admin/pay/clients", this::list);
        routes.get("/v1/admin/pay/clients/{clientId}", this::show);
        routes.patch("/v1/admin/pay/clients/{clientId}", this::update);
        routes.post("/v1/admin/pay/clients/{clientId}/keys/rotate", this::rotate);
        routes.post("/v1/admin/pay/clients/{clientId}/webhook-secret/rotate", this::rotateWebhookSecret);
    }

    /** Farm administrators only, signed in (an access token, not an API key). */
    static void requireAdmin(Context ctx) {
        Callers.farmAdministrator(ctx);
    }

    /** The change in the audit log (never a secret: names, URLs, ids). */
    private void audit(Context ctx, String action, UUID client, ObjectNode details) {
        audit.record(Callers.principal(ctx), action, "pay_client:" + client, details, AuditLog.Origin.of(ctx));
    }

    private void create(Context ctx) {
        requireAdmin(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        Settings settings = settings(body, null);
        body.check();
        Issued issued = clients.create(
                settings.name(), settings.returnUrls(), settings.webhookUrl(), settings.merchantId(), settings.unit());
        audit(
                ctx,
                "pay.client_created",
                issued.app().id(),
                json.createObjectNode().put("name", settings.name()));
        ctx.status(201).json(issued(issued));
    }

    private void list(Context ctx) {
        requireAdmin(ctx);
        List<ClientApp> apps = clients.list();
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("clients");
        apps.forEach(app -> items.add(toJson(app)));
        ctx.json(out);
    }

    private void show(Context ctx) {
        requireAdmin(ctx);
        ctx.json(toJson(clients.find(clientId(ctx))
                .orElseThrow(() -> Problem.notFound("client app " + ctx.pathParam("clientId")))));
    }

    private void update(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = clients.find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        RequestBodies body = RequestBodies.read(ctx, json);
        Settings settings = settings(body, app);
        body.check();
        ClientApp updated = clients.update(id, settings);
        ObjectNode details = json.createObjectNode().put("name", updated.name()).put("disabled", updated.disabled());
        details.putPOJO(
                "return_urls",
                updated.returnUrls().stream()
                        .map(ClientAppRoutes::withoutSecrets)
                        .toList());
        // Where, not how: a URL's user info or query could carry a credential.
        details.put(
                "webhook_url",
                updated.webhookUrl().map(ClientAppRoutes::withoutSecrets).orElse(null));
        audit(ctx, "pay.client_updated", id, details);
        ctx.json(toJson(updated));
    }

    private void rotate(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = clients.find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        int grace = ctx.body().isBlank()
                ? 0
                : RequestBodies.read(ctx, json).optionalInt("grace_seconds", 0, 7 * 24 * 3600, 0);
        Issued issued = clients.rotateKeys(app, grace);
        audit(ctx, "pay.client_keys_rotated", id, json.createObjectNode().put("grace_seconds", grace));
        ctx.json(issued(issued));
    }

    /** A new webhook secret, shown once; deliveries from now on are signed with it. */
    private void rotateWebhookSecret(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = clients.find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        String secret = clients.rotateWebhookSecret(id);
        audit(ctx, "pay.client_webhook_secret_rotated", id, json.createObjectNode());
        ObjectNode out = json.createObjectNode();
        out.set("client", toJson(app));
        out.put("webhook_secret", secret);
        out.put("note", "shown once; webhooks sent from now on, retries included, are signed with it");
        ctx.json(out);
    }

    private Settings settings(RequestBodies body, ClientApp current) {
        PaymentText.check(body, "name", "return_urls", "webhook_url", "merchant_id", "currency_unit");
        String name = current == null
                ? body.string("name", 200)
                : body.optionalString("name", 200).orElse(current.name());
        List<String> urls = current == null || has(body, "return_urls") ? returnUrls(body) : current.returnUrls();
        Optional<String> webhook = current == null || has(body, "webhook_url")
                ? body.optionalString("webhook_url", 2000)
                : current.webhookUrl();
        webhook.flatMap(url -> WebhookTargets.problem(url, allowPrivateWebhooks))
                .ifPresent(problem -> body.error("webhook_url", "the URL " + problem));
        Optional<String> merchant = current == null || has(body, "merchant_id")
                ? body.optionalString("merchant_id", 36)
                : current.merchantId();
        if (merchant.isPresent() && !ClientApps.MERCHANT.matcher(merchant.get()).matches()) {
            body.error("merchant_id", "must be a ZarinPal merchant id (36 characters)");
        }
        Optional<ZarinPal.Unit> unit = current == null ? Optional.empty() : current.unit();
        if (has(body, "currency_unit")) {
            Optional<String> text = body.optionalString("currency_unit", 3);
            try {
                unit = text.map(t -> ZarinPal.Unit.valueOf(t.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                body.error("currency_unit", "must be IRR or IRT");
            }
        }
        boolean disabled = current != null && current.disabled();
        if (has(body, "disabled")) {
            JsonNode value = body.raw("disabled");
            if (value.isBoolean()) {
                disabled = value.asBoolean();
            } else {
                body.error("disabled", "must be true or false");
            }
        }
        return new Settings(name, urls, webhook, merchant, unit, disabled);
    }

    /** The URL's scheme, host, port and path only. */
    static String withoutSecrets(String url) {
        try {
            URI uri = URI.create(url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(unreadable URL)";
        }
    }

    private static boolean has(RequestBodies body, String field) {
        return body.raw(field) != null;
    }

    private static List<String> returnUrls(RequestBodies body) {
        JsonNode value = body.raw("return_urls");
        List<String> urls = new ArrayList<>();
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > 20) {
            body.error("return_urls", "must be a list of 1 to 20 http(s) URLs");
            return urls;
        }
        for (JsonNode item : value) {
            Optional<URI> uri = item.isTextual() ? ClientApps.absolute(item.asText()) : Optional.empty();
            if (uri.isEmpty() || uri.get().getRawQuery() != null) {
                body.error("return_urls", "must hold absolute http(s) URLs without query or fragment: " + item);
                return urls;
            }
            urls.add(item.asText());
        }
        return urls;
    }

    private ObjectNode toJson(ClientApp app) {
        ObjectNode node = json.createObjectNode();
        node.put("id", app.id().toString());
        node.put("name", app.name());
        ArrayNode urls = node.putArray("return_urls");
        app.returnUrls().forEach(urls::add);
        node.put("webhook_url", app.webhookUrl().orElse(null));
        node.put("merchant_id", app.merchantId().orElse(null));
        node.put("currency_unit", app.unit().map(Enum::name).orElse(null));
        node.put("disabled", app.disabled());
        node.put("created_at", app.createdAt().toString());
        return node;
    }

    private ObjectNode issued(Issued issued) {
        ObjectNode out = json.createObjectNode();
        out.set("client", toJson(issued.app()));
        out.put("api_key", issued.apiKey());
        out.put("hmac_secret", issued.hmacSecret());
        issued.webhookSecret().ifPresent(secret -> out.put("webhook_secret", secret));
        out.put("note", "the secrets are shown once; the broker keeps only a digest or a sealed copy");
        return out;
    }

    private static UUID clientId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("clientId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("client app " + ctx.pathParam("clientId"));
        }
    }
}
