package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The broker's client apps: made and changed by farm administrators ({@link ClientAppRoutes}),
 * their credentials issued (shown once; the API key kept as a digest, the HMAC and webhook
 * secrets sealed under the master key), and the check of a client's signed call (PAYMENTS.md
 * section 2).
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

    /** What an administrator sets of an app. */
    public record Settings(
            String name,
            List<String> returnUrls,
            Optional<String> webhookUrl,
            Optional<String> merchantId,
            Optional<ZarinPal.Unit> unit,
            boolean disabled) {}

    /**
     * A client's signed call as it came: its headers' values as sent (null when missing), its
     * method, path and body.
     */
    public record SignedCall(
            String apiKey, String timestamp, String nonce, String signature, String method, String path, byte[] body) {}

    /**
     * A client's call that passed the checks: who made it, the secret its results are signed
     * with, and the nonce it took.
     */
    public record Caller(ClientApp app, String hmacSecret, String nonce) {}

    /** Credentials as issued: shown to the admin once. */
    public record Issued(ClientApp app, String apiKey, String hmacSecret, Optional<String> webhookSecret) {}

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final RateLimiter perClient;

    /** @param perClient the rate limit of one client app's signed calls */
    public ClientApps(Jdbi jdbi, SecretBox secrets, RateLimiter perClient) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.perClient = requireNonNull(perClient, "perClient is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
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
            ClientAppDao apps = handle.attach(ClientAppDao.class);
            apps.insert(
                    id,
                    name,
                    returnUrls.toArray(String[]::new),
                    webhookUrl.orElse(null),
                    secrets.seal(webhookSecret, webhookContext(id)),
                    merchantId.orElse(null),
                    unit.map(Enum::name).orElse(null));
            insertKey(apps, id, apiKey, hmacSecret);
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
            ClientAppDao apps = handle.attach(ClientAppDao.class);
            apps.upsert(
                    id,
                    name,
                    returnUrls.toArray(String[]::new),
                    webhookUrl,
                    secrets.seal(webhookSecret, webhookContext(id)));
            if (!apps.keyKnown(keyId(apiKey))) {
                insertKey(apps, id, apiKey, hmacSecret);
            }
        });
        return find(id).orElseThrow();
    }

    public Optional<ClientApp> find(UUID id) {
        return jdbi.withExtension(ClientAppDao.class, apps -> apps.find(id));
    }

    /** Every app, oldest first. */
    public List<ClientApp> list() {
        return jdbi.withExtension(ClientAppDao.class, ClientAppDao::list);
    }

    /** Sets an app's settings; answers it as it is now. */
    public ClientApp update(UUID id, Settings settings) {
        jdbi.useExtension(
                ClientAppDao.class,
                apps -> apps.update(
                        id,
                        settings.name(),
                        settings.returnUrls().toArray(String[]::new),
                        settings.webhookUrl().orElse(null),
                        settings.merchantId().orElse(null),
                        settings.unit().map(Enum::name).orElse(null),
                        settings.disabled()));
        return find(id).orElseThrow();
    }

    /** New credentials for the app; its keys now live expire after {@code graceSeconds}. */
    public Issued rotateKeys(ClientApp app, int graceSeconds) {
        String apiKey = newApiKey();
        String hmacSecret = Secrets.generate("fps_");
        jdbi.useTransaction(handle -> {
            ClientAppDao apps = handle.attach(ClientAppDao.class);
            apps.expireKeys(app.id(), graceSeconds);
            insertKey(apps, app.id(), apiKey, hmacSecret);
        });
        return new Issued(app, apiKey, hmacSecret, Optional.empty());
    }

    /** A new webhook secret for the app: deliveries from now on are signed with it. */
    public String rotateWebhookSecret(UUID id) {
        String secret = WebhookSignature.newSecret();
        jdbi.useExtension(
                ClientAppDao.class, apps -> apps.setWebhookSecret(id, secrets.seal(secret, webhookContext(id))));
        return secret;
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
    public Caller authenticate(SignedCall call) {
        String apiKey = call.apiKey();
        if (apiKey == null || !API_KEY.matcher(apiKey.trim()).matches()) {
            throw refused("api-key-unknown", "the X-Api-Key header does not hold a FlatPay API key (fpk_…)");
        }
        apiKey = apiKey.trim();
        String keyId = keyId(apiKey);
        Optional<ClientAppDao.Key> key = jdbi.withExtension(ClientAppDao.class, apps -> apps.liveKey(keyId));
        if (key.isEmpty() || !Secrets.sameDigest(key.get().keySha256(), Secrets.sha256(apiKey))) {
            throw refused("api-key-unknown", "the API key is not known, or was rotated out");
        }
        ClientApp app = find(key.get().clientId()).orElseThrow();
        if (app.disabled()) {
            throw Problem.of(
                    403, "client-disabled", "The client app is disabled", "client app " + app.id() + " is disabled");
        }
        long timestamp = ClientSignature.parseTimestamp(call.timestamp());
        long now = Instant.now().getEpochSecond();
        if (timestamp < 0 || Math.abs(now - timestamp) > ClientSignature.WINDOW_SECONDS) {
            throw refused(
                    "timestamp-out-of-window",
                    "X-FlatPay-Timestamp must be unix seconds within " + ClientSignature.WINDOW_SECONDS
                            + " s of the broker's clock (" + now + ")");
        }
        String nonce = call.nonce();
        if (nonce == null || !ClientSignature.NONCE.matcher(nonce).matches()) {
            throw refused("signature-invalid", "X-FlatPay-Nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -");
        }
        String hmacSecret = secrets.open(key.get().hmacSecretEncrypted(), hmacContext(keyId));
        if (!ClientSignature.requestMatches(
                hmacSecret, call.signature(), call.method(), call.path(), call.timestamp(), nonce, call.body())) {
            throw refused(
                    "signature-invalid",
                    "X-FlatPay-Signature does not match the request (see PAYMENTS.md for the canonical string)");
        }
        perClient.acquire("pay-client:" + app.id(), "this client app");
        int taken = jdbi.withExtension(ClientAppDao.class, apps -> apps.takeNonce(app.id(), nonce));
        if (taken == 0) {
            throw refused("nonce-reused", "this nonce was used already; every call takes a new one");
        }
        return new Caller(app, hmacSecret, nonce);
    }

    /** Gives a refused call's nonce back: PAYMENTS.md section 2, a refused call takes nothing. */
    void releaseNonce(Caller caller) {
        jdbi.useExtension(
                ClientAppDao.class, apps -> apps.releaseNonce(caller.app().id(), caller.nonce()));
    }

    private static Problem refused(String type, String detail) {
        return Problem.of(401, type, "The call's credentials are refused", detail);
    }

    /** The HMAC secret results for this app are signed with now: that of its newest key. */
    String currentHmacSecret(UUID clientId) {
        ClientAppDao.Key key = jdbi.withExtension(ClientAppDao.class, apps -> apps.newestKey(clientId))
                .orElseThrow(() -> new IllegalStateException("client app " + clientId + " has no live key"));
        return secrets.open(key.hmacSecretEncrypted(), hmacContext(key.keyId()));
    }

    /** Forgets nonces older than twice the window. */
    int sweepNonces() {
        return jdbi.withExtension(ClientAppDao.class, ClientAppDao::sweepNonces);
    }

    // ---------------------------------------------------------------- keys

    private void insertKey(ClientAppDao apps, UUID clientId, String apiKey, String hmacSecret) {
        String keyId = keyId(apiKey);
        apps.insertKey(keyId, clientId, Secrets.sha256(apiKey), secrets.seal(hmacSecret, hmacContext(keyId)));
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

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
