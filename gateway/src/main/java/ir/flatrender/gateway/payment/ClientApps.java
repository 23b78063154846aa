package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import ir.flatrender.gateway.webhooks.WebhookTargets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The broker's client apps: the admin API that makes and changes them and issues their
 * credentials (shown once; the API key kept as a digest, the HMAC and webhook secrets sealed
 * under the master key), and the check of a client's signed call (PAYMENTS.md section 2).
 */
public final class ClientApps {
    public static final Pattern MERCHANT = Pattern.compile("^[0-9A-Za-z-]{36}$");
    static final Pattern API_KEY = Pattern.compile("^fpk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A client app as stored; never with a secret. */
    public record ClientApp(
            UUID id,
            String name,
            List<String> returnUrls,
            Optional<String> webhookUrl,
            Optional<String> merchantId,
            Optional<ZarinPal.Unit> unit,
            boolean disabled,
            Instant createdAt) {}

    /**
     * A client's call that passed the checks: who made it, the secret its results are signed
     * with, and the nonce it took.
     */
    public record Caller(ClientApp app, String hmacSecret, String nonce) {}

    /** Credentials as issued: shown to the admin once. */
    public record Issued(ClientApp app, String apiKey, String hmacSecret, Optional<String> webhookSecret) {}

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final ObjectMapper json;
    private final boolean allowPrivateWebhooks;
    private final RateLimiter perClient;

    /** @param perClient the rate limit of one client app's signed calls */
    public ClientApps(
            Jdbi jdbi, SecretBox secrets, ObjectMapper json, boolean allowPrivateWebhooks, RateLimiter perClient) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.perClient = requireNonNull(perClient, "perClient is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.json = requireNonNull(json, "json is null");
        this.allowPrivateWebhooks = allowPrivateWebhooks;
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
        Principal principal = Requests.principal(ctx);
        if (principal.apiKeyId().isPresent()) {
            throw Problem.forbidden("the payment admin API takes a farm administrator's access token, not an API key");
        }
        principal.requireFarmAdmin();
    }

    // ---------------------------------------------------------------- admin API

    private record Settings(
            String name,
            List<String> returnUrls,
            Optional<String> webhookUrl,
            Optional<String> merchantId,
            Optional<ZarinPal.Unit> unit,
            boolean disabled) {}

    private void create(Context ctx) {
        requireAdmin(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        Settings settings = settings(body, null);
        body.check();
        Issued issued = create(
                settings.name(), settings.returnUrls(), settings.webhookUrl(), settings.merchantId(), settings.unit());
        ctx.status(201).json(issued(issued));
    }

    /** Makes a client app and its first credentials. */
    public Issued create(
            String name,
            List<String> returnUrls,
            Optional<String> webhookUrl,
            Optional<String> merchantId,
            Optional<ZarinPal.Unit> unit) {
        UUID id = UUID.randomUUID();
        String webhookSecret = WebhookSignature.newSecret();
        String apiKey = newApiKey();
        String hmacSecret = Secrets.generate("fps_");
        jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            INSERT INTO payment.client_apps
                                (id, name, return_urls, webhook_url, webhook_secret_encrypted, merchant_id, currency_unit)
                            VALUES (:id, :name, :urls, :webhook, :secret, :merchant, :unit)
                            """)
                    .bind("id", id)
                    .bind("name", name)
                    .bind("urls", returnUrls.toArray(String[]::new))
                    .bind("webhook", webhookUrl.orElse(null))
                    .bind("secret", secrets.seal(webhookSecret, webhookContext(id)))
                    .bind("merchant", merchantId.orElse(null))
                    .bind("unit", unit.map(Enum::name).orElse(null))
                    .execute();
            insertKey(handle, id, apiKey, hmacSecret);
        });
        return new Issued(find(id).orElseThrow(), apiKey, hmacSecret, Optional.of(webhookSecret));
    }

    /**
     * Makes the client app {@code id} with these credentials unless it exists, and sets its
     * URLs: how a deployment provisions FlatRender's own client app from its configuration.
     */
    public ClientApp provision(
            UUID id,
            String name,
            List<String> returnUrls,
            String webhookUrl,
            String apiKey,
            String hmacSecret,
            String webhookSecret) {
        if (!API_KEY.matcher(apiKey).matches() || !hmacSecret.startsWith("fps_")) {
            throw new IllegalArgumentException("not a FlatPay API key and HMAC secret");
        }
        jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            INSERT INTO payment.client_apps (id, name, return_urls, webhook_url, webhook_secret_encrypted)
                            VALUES (:id, :name, :urls, :webhook, :secret)
                            ON CONFLICT (id) DO UPDATE SET name = excluded.name, return_urls = excluded.return_urls,
                                webhook_url = excluded.webhook_url,
                                webhook_secret_encrypted = excluded.webhook_secret_encrypted, updated_at = now()
                            """)
                    .bind("id", id)
                    .bind("name", name)
                    .bind("urls", returnUrls.toArray(String[]::new))
                    .bind("webhook", webhookUrl)
                    .bind("secret", secrets.seal(webhookSecret, webhookContext(id)))
                    .execute();
            boolean known = handle.createQuery("SELECT count(*) FROM payment.client_keys WHERE key_id = :k")
                            .bind("k", keyId(apiKey))
                            .mapTo(Integer.class)
                            .one()
                    > 0;
            if (!known) {
                insertKey(handle, id, apiKey, hmacSecret);
            }
        });
        return find(id).orElseThrow();
    }

    private void list(Context ctx) {
        requireAdmin(ctx);
        List<ClientApp> apps = jdbi.withHandle(handle -> handle.createQuery(SELECT + " ORDER BY created_at, id")
                .map((rs, c) -> app(rs))
                .list());
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("clients");
        apps.forEach(app -> items.add(toJson(app)));
        ctx.json(out);
    }

    private void show(Context ctx) {
        requireAdmin(ctx);
        ctx.json(toJson(
                find(clientId(ctx)).orElseThrow(() -> Problem.notFound("client app " + ctx.pathParam("clientId")))));
    }

    private void update(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        RequestBodies body = RequestBodies.read(ctx, json);
        Settings settings = settings(body, app);
        body.check();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE payment.client_apps SET name = :name, return_urls = :urls, webhook_url = :webhook,
                            merchant_id = :merchant, currency_unit = :unit, disabled = :disabled, updated_at = now()
                        WHERE id = :id
                        """)
                .bind("id", id)
                .bind("name", settings.name())
                .bind("urls", settings.returnUrls().toArray(String[]::new))
                .bind("webhook", settings.webhookUrl().orElse(null))
                .bind("merchant", settings.merchantId().orElse(null))
                .bind("unit", settings.unit().map(Enum::name).orElse(null))
                .bind("disabled", settings.disabled())
                .execute());
        ctx.json(toJson(find(id).orElseThrow()));
    }

    private void rotate(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        int grace = ctx.body().isBlank()
                ? 0
                : RequestBodies.read(ctx, json).optionalInt("grace_seconds", 0, 7 * 24 * 3600, 0);
        String apiKey = newApiKey();
        String hmacSecret = Secrets.generate("fps_");
        jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            UPDATE payment.client_keys SET expires_at = now() + make_interval(secs => :grace)
                            WHERE client_id = :id AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => :grace))
                            """)
                    .bind("id", id)
                    .bind("grace", (double) grace)
                    .execute();
            insertKey(handle, id, apiKey, hmacSecret);
        });
        ctx.json(issued(new Issued(app, apiKey, hmacSecret, Optional.empty())));
    }

    /** A new webhook secret, shown once; deliveries from now on are signed with it. */
    private void rotateWebhookSecret(Context ctx) {
        requireAdmin(ctx);
        UUID id = clientId(ctx);
        ClientApp app = find(id).orElseThrow(() -> Problem.notFound("client app " + id));
        String secret = WebhookSignature.newSecret();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE payment.client_apps SET webhook_secret_encrypted = :secret, updated_at = now()
                        WHERE id = :id
                        """)
                .bind("secret", secrets.seal(secret, webhookContext(id)))
                .bind("id", id)
                .execute());
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
        if (merchant.isPresent() && !MERCHANT.matcher(merchant.get()).matches()) {
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
            Optional<URI> uri = item.isTextual() ? absolute(item.asText()) : Optional.empty();
            if (uri.isEmpty() || uri.get().getRawQuery() != null) {
                body.error("return_urls", "must hold absolute http(s) URLs without query or fragment: " + item);
                return urls;
            }
            urls.add(item.asText());
        }
        return urls;
    }

    /** Whether the buyer may be sent back to {@code url}: under one of the app's return URLs. */
    public static boolean allowsReturn(ClientApp app, String url) {
        Optional<URI> candidate = absolute(url);
        if (candidate.isEmpty()) {
            return false;
        }
        String raw = candidate.get().getRawPath() == null ? "" : candidate.get().getRawPath();
        if (raw.toLowerCase(Locale.ROOT).matches(".*%(2e|2f|5c).*") || raw.contains("\\")) {
            return false; // an encoded dot, slash or backslash: no path games past the prefix
        }
        URI to = candidate.get().normalize();
        for (String registered : app.returnUrls()) {
            URI base = URI.create(registered);
            String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
            String path = to.getRawPath() == null || to.getRawPath().isEmpty() ? "/" : to.getRawPath();
            boolean pathUnder = path.equals(basePath)
                    || (path.startsWith(basePath) && (basePath.endsWith("/") || path.charAt(basePath.length()) == '/'));
            if (base.getScheme().equalsIgnoreCase(to.getScheme())
                    && base.getHost().equalsIgnoreCase(to.getHost())
                    && port(base) == port(to)
                    && pathUnder
                    && !path.contains("/../")
                    && !path.endsWith("/..")) {
                return true;
            }
        }
        return false;
    }

    static Optional<URI> absolute(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null
                    || uri.getScheme() == null
                    || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getRawUserInfo() != null
                    || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    // ---------------------------------------------------------------- signed calls

    /**
     * Checks a client's signed call: a known, unexpired key of an enabled client, a timestamp
     * within the window, a matching signature over the headers' values as sent, and a nonce not
     * seen before (taken only when everything else holds, so a refused call leaves nothing
     * behind; a call refused after this check gives it back, {@link #releaseNonce}).
     */
    public Caller authenticate(Context ctx, byte[] body) {
        String apiKey = ctx.header("X-Api-Key");
        if (apiKey == null || !API_KEY.matcher(apiKey.trim()).matches()) {
            throw refused("api-key-unknown", "the X-Api-Key header does not hold a FlatPay API key (fpk_…)");
        }
        apiKey = apiKey.trim();
        String keyId = keyId(apiKey);
        record Key(UUID clientId, String digest, String sealed) {}
        Optional<Key> key = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT client_id, key_sha256, hmac_secret_encrypted FROM payment.client_keys
                        WHERE key_id = :k AND (expires_at IS NULL OR expires_at > now())
                        """)
                .bind("k", keyId)
                .map((rs, c) -> new Key(
                        rs.getObject("client_id", UUID.class),
                        rs.getString("key_sha256"),
                        rs.getString("hmac_secret_encrypted")))
                .findOne());
        if (key.isEmpty() || !Secrets.sameDigest(key.get().digest(), Secrets.sha256(apiKey))) {
            throw refused("api-key-unknown", "the API key is not known, or was rotated out");
        }
        ClientApp app = find(key.get().clientId()).orElseThrow();
        if (app.disabled()) {
            throw Problem.of(
                    403, "client-disabled", "The client app is disabled", "client app " + app.id() + " is disabled");
        }
        String timestampHeader = ctx.header("X-FlatPay-Timestamp");
        long timestamp = ClientSignature.parseTimestamp(timestampHeader);
        long now = Instant.now().getEpochSecond();
        if (timestamp < 0 || Math.abs(now - timestamp) > ClientSignature.WINDOW_SECONDS) {
            throw refused(
                    "timestamp-out-of-window",
                    "X-FlatPay-Timestamp must be unix seconds within " + ClientSignature.WINDOW_SECONDS
                            + " s of the broker's clock (" + now + ")");
        }
        String nonce = ctx.header("X-FlatPay-Nonce");
        if (nonce == null || !ClientSignature.NONCE.matcher(nonce).matches()) {
            throw refused("signature-invalid", "X-FlatPay-Nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -");
        }
        String hmacSecret = secrets.open(key.get().sealed(), hmacContext(keyId));
        if (!ClientSignature.requestMatches(
                hmacSecret,
                ctx.header("X-FlatPay-Signature"),
                ctx.method().name(),
                ctx.path(),
                timestampHeader,
                nonce,
                body)) {
            throw refused(
                    "signature-invalid",
                    "X-FlatPay-Signature does not match the request (see PAYMENTS.md for the canonical string)");
        }
        perClient.acquire("pay-client:" + app.id(), "this client app");
        int taken = jdbi.withHandle(handle ->
                handle.createUpdate("""
                        INSERT INTO payment.request_nonces (client_id, nonce) VALUES (:c, :n) ON CONFLICT DO NOTHING
                        """).bind("c", app.id()).bind("n", nonce).execute());
        if (taken == 0) {
            throw refused("nonce-reused", "this nonce was used already; every call takes a new one");
        }
        return new Caller(app, hmacSecret, nonce);
    }

    /** Gives a refused call's nonce back: PAYMENTS.md section 2, a refused call takes nothing. */
    void releaseNonce(Caller caller) {
        jdbi.useHandle(
                handle -> handle.createUpdate("DELETE FROM payment.request_nonces WHERE client_id = :c AND nonce = :n")
                        .bind("c", caller.app().id())
                        .bind("n", caller.nonce())
                        .execute());
    }

    private static Problem refused(String type, String detail) {
        return Problem.of(401, type, "The call's credentials are refused", detail);
    }

    /** The HMAC secret results for this app are signed with now: that of its newest key. */
    String currentHmacSecret(UUID clientId) {
        record Key(String keyId, String sealed) {}
        Key key = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT key_id, hmac_secret_encrypted FROM payment.client_keys
                        WHERE client_id = :c AND (expires_at IS NULL OR expires_at > now())
                        ORDER BY created_at DESC LIMIT 1
                        """)
                .bind("c", clientId)
                .map((rs, c) -> new Key(rs.getString("key_id"), rs.getString("hmac_secret_encrypted")))
                .one());
        return secrets.open(key.sealed(), hmacContext(key.keyId()));
    }

    /** Forgets nonces older than twice the window. */
    int sweepNonces() {
        return jdbi.withHandle(handle -> handle.createUpdate(
                        "DELETE FROM payment.request_nonces WHERE seen_at < now() - interval '10 minutes'")
                .execute());
    }

    // ---------------------------------------------------------------- rows

    private static final String SELECT = """
            SELECT id, name, return_urls, webhook_url, merchant_id, currency_unit, disabled, created_at
            FROM payment.client_apps""";

    public Optional<ClientApp> find(UUID id) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + " WHERE id = :id")
                .bind("id", id)
                .map((rs, c) -> app(rs))
                .findOne());
    }

    private static ClientApp app(java.sql.ResultSet rs) throws java.sql.SQLException {
        String unit = rs.getString("currency_unit");
        return new ClientApp(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                List.of((String[]) rs.getArray("return_urls").getArray()),
                Optional.ofNullable(rs.getString("webhook_url")),
                Optional.ofNullable(rs.getString("merchant_id")),
                Optional.ofNullable(unit).map(ZarinPal.Unit::valueOf),
                rs.getBoolean("disabled"),
                rs.getTimestamp("created_at").toInstant());
    }

    ObjectNode toJson(ClientApp app) {
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

    private void insertKey(Handle handle, UUID clientId, String apiKey, String hmacSecret) {
        String keyId = keyId(apiKey);
        handle.createUpdate("""
                        INSERT INTO payment.client_keys (key_id, client_id, key_sha256, hmac_secret_encrypted)
                        VALUES (:k, :c, :digest, :secret)
                        """)
                .bind("k", keyId)
                .bind("c", clientId)
                .bind("digest", Secrets.sha256(apiKey))
                .bind("secret", secrets.seal(hmacSecret, hmacContext(keyId)))
                .execute();
    }

    static String webhookContext(UUID clientId) {
        return "pay-client-webhook:" + clientId;
    }

    private static String hmacContext(String keyId) {
        return "pay-client-hmac:" + keyId;
    }

    static String keyId(String apiKey) {
        var matcher = API_KEY.matcher(apiKey);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a FlatPay API key");
        }
        return matcher.group(1);
    }

    /** A new API key: {@code fpk_}, 16 hex characters of key id, {@code _}, 32 random bytes base64url. */
    public static String newApiKey() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return "fpk_" + HexFormat.of().formatHex(id) + "_" + Secrets.generate("");
    }

    private static UUID clientId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("clientId"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("client app " + ctx.pathParam("clientId"));
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
