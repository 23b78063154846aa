package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.billing.CheckoutConfig;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.FarmAdmins;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.payment.ClientApps;
import ir.flatrender.gateway.payment.ClientSignature;
import ir.flatrender.gateway.payment.PaymentConfig;
import ir.flatrender.gateway.payment.ZarinPal;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.zarinpal.ZarinPalEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payment broker over real HTTP with the ZarinPal emulator: a client site (the Node SDK)
 * asking for a payment, the buyer paying at StartPay and coming back through the one callback,
 * one verification however often it is called, the signed return and webhook checked by the
 * SDK, refusals that change nothing, reconciliation, expiry, and FlatRender's own plan checkout
 * crediting the wallet once.
 */
class PaymentIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MERCHANT = "11111111-2222-3333-4444-555555555555";
    private static final String ADMIN = "pay-admin@farm.test";
    private static final String ADMIN_PASSWORD = "admin password 1";
    private static final byte[] MASTER_KEY = SecretBox.generateKey();
    private static final UUID FLATRENDER_CLIENT = UUID.fromString("00000000-0000-0000-0000-00000000f1a7");
    private static final Duration CALLBACK_WAIT = Duration.ofSeconds(1);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ZarinPalEmulator zarinPal;
    private static Database gatewayDatabase;
    private static Database paymentDatabase;
    private static Gateway gateway;
    private static GatewayClient client;
    private static String adminToken;
    private static Site site;
    private static Client meezi;

    /** A client app's credentials, as the admin API revealed them. */
    record Client(UUID id, String apiKey, String hmacSecret, String webhookSecret) {}

    @BeforeAll
    static void start() throws IOException {
        zarinPal = ZarinPalEmulator.start("127.0.0.1", 0, Set.of(MERCHANT));
        site = new Site();
        gatewayDatabase = connectAs(ServiceRoles.GATEWAY, "pay_test_gateway_login");
        paymentDatabase = connectAs(ServiceRoles.PAYMENT, "pay_test_payment_login");
        List<Duration> schedule = List.of(
                Duration.ofMillis(300),
                Duration.ofMillis(300),
                Duration.ofMillis(300),
                Duration.ofMillis(300),
                Duration.ofMillis(300));
        GatewayConfig config = GatewayConfig.builder(
                        "127.0.0.1:1", "no farm in this test", AccessTokens.generateKeys(), MASTER_KEY)
                .listen("127.0.0.1", 0)
                .allowPrivateWebhooks(true)
                .webhookSchedule(schedule, Duration.ofMillis(100))
                .build();
        // Reconciliation runs when a test asks for it (reconcileNow), not on a timer.
        PaymentConfig payments = new PaymentConfig(
                zarinPal.baseUrl(),
                MERCHANT,
                ZarinPal.Unit.IRR,
                Optional.empty(),
                Duration.ofMinutes(30),
                Duration.ofHours(1),
                Duration.ofSeconds(5),
                Duration.ofMinutes(15),
                schedule,
                Duration.ofMillis(100),
                true,
                PaymentConfig.MAX_AMOUNT_RIAL,
                CALLBACK_WAIT);
        String ownKey = ClientApps.newApiKey();
        String ownHmac = Secrets.generate("fps_");
        String ownWebhook = WebhookSignature.newSecret();
        gateway = Gateway.startMigrated(
                config,
                gatewayDatabase,
                Optional.of(new Gateway.Payments(paymentDatabase, payments)),
                Optional.of(new CheckoutConfig(
                        Optional.empty(), Optional.empty(), FLATRENDER_CLIENT, ownKey, ownHmac, ownWebhook)),
                JSON);
        String gatewayUrl = "http://127.0.0.1:" + gateway.port();
        gateway.payments()
                .orElseThrow()
                .clients()
                .provision(
                        FLATRENDER_CLIENT,
                        "FlatRender",
                        List.of(gatewayUrl + CheckoutConfig.PAGE_RETURN_PATH, gatewayUrl + CheckoutConfig.RETURN_PATH),
                        gatewayUrl + CheckoutConfig.WEBHOOK_PATH,
                        ownKey,
                        ownHmac,
                        ownWebhook);
        client = new GatewayClient(gateway.port());
        FarmAdmins.ensure(postgres.database().jdbi(), ADMIN, "Admin", ADMIN_PASSWORD);
        adminToken = login(ADMIN, ADMIN_PASSWORD);
        meezi = createClient("meezi.ir", List.of(site.url("/shop/return")), site.url("/hooks/flatpay"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        paymentDatabase.close();
        gatewayDatabase.close();
        site.close();
        zarinPal.close();
    }

    private static Database connectAs(String role, String login) {
        ServiceRoles.ensureLogin(postgres.database().dataSource(), role, login, "test password");
        return Database.connect(ServiceRoles.loginConfig(postgres.config(), login, "test password"), login, JSON);
    }

    private static String login(String email, String password) {
        GatewayClient.Answer answer = client.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", email)
                        .put("password", password)
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body().path("access_token").asText();
    }

    private static Client createClient(String name, List<String> returnUrls, String webhookUrl) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("webhook_url", webhookUrl);
        returnUrls.forEach(body.putArray("return_urls")::add);
        GatewayClient.Answer created = client.post("/v1/admin/pay/clients", adminToken, body.toString());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Client(
                UUID.fromString(created.body().path("client").path("id").asText()),
                created.body().path("api_key").asText(),
                created.body().path("hmac_secret").asText(),
                created.body().path("webhook_secret").asText());
    }

    // ---------------------------------------------------------------- the site, in Node

    /** Runs the site script with the SDK; answers its JSON line. */
    private static JsonNode node(Client as, String... args) {
        Path script = Path.of("src/test/resources/flatpay/site.js").toAbsolutePath();
        Path sdk = Path.of("../deploy/sdk/flatpay.js").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("FLATPAY_SDK", sdk.toString());
        builder.environment().put("FLATPAY_URL", "http://127.0.0.1:" + gateway.port());
        builder.environment().put("FLATPAY_API_KEY", as.apiKey());
        builder.environment().put("FLATPAY_HMAC_SECRET", as.hmacSecret());
        builder.environment().put("FLATPAY_WEBHOOK_SECRET", as.webhookSecret());
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A pay request from the site through the SDK; the transaction. */
    private static JsonNode request(String orderId, long amount) {
        JsonNode tx = node(
                meezi,
                "request",
                JSON.createObjectNode()
                        .put("amount", amount)
                        .put("orderId", orderId)
                        .put("description", "Order " + orderId)
                        .put("returnUrl", site.url("/shop/return?order=" + orderId))
                        .set("metadata", JSON.createObjectNode().put("mobile", "09121234567"))
                        .toString());
        assertThat(tx.has("error")).as(tx.toString()).isFalse();
        return tx;
    }

    // ---------------------------------------------------------------- the buyer

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** The buyer at StartPay pressing Pay (or Cancel): where ZarinPal sends them, our callback. */
    private static String atZarinPal(JsonNode tx, String button) {
        String page = tx.path("payment_url").asText();
        HttpResponse<String> shown = get(page);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("/pay").contains("/cancel");
        HttpResponse<String> pressed = send(HttpRequest.newBuilder(URI.create(page + "/" + button))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(pressed.statusCode()).isEqualTo(302);
        String callback = pressed.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith("http://127.0.0.1:" + gateway.port() + "/callback/zarinpal?");
        return callback;
    }

    /**
     * The buyer arriving at the callback: the broker's redirect back to the site. A "we are
     * confirming" page (202, verify slower than the callback's wait) is reloaded, as its
     * browser does.
     */
    private static String callback(String url) {
        HttpResponse<String> answer = get(url);
        for (int reloads = 0; answer.statusCode() == 202 && reloads < 30; reloads++) {
            answer = get(url);
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        return answer.headers().firstValue("Location").orElseThrow();
    }

    private static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    // ---------------------------------------------------------------- the rows

    private static JsonNode inquiry(String id) {
        JsonNode tx =
                node(meezi, "inquiry", JSON.createObjectNode().put("id", id).toString());
        assertThat(tx.has("error")).as(tx.toString()).isFalse();
        return tx;
    }

    private static int count(String sql, Object... binds) {
        return postgres.database().jdbi().withHandle(handle -> {
            var query = handle.createQuery(sql);
            for (int i = 0; i < binds.length; i++) {
                query.bind(i, binds[i]);
            }
            return query.mapTo(Integer.class).one();
        });
    }

    private static int deliveries(String transactionId) {
        return count(
                "SELECT count(*)::int FROM payment.webhook_deliveries WHERE transaction_id = ?",
                UUID.fromString(transactionId));
    }

    // ---------------------------------------------------------------- tests

    @Test
    void aPaymentGoesFromTheSdkThroughZarinPalAndBackSignedOnce() throws Exception {
        JsonNode tx = request("order-happy", 500_000);
        assertThat(tx.path("status").asText()).isEqualTo("pending");
        assertThat(tx.path("amount").asLong()).isEqualTo(500_000);
        String authority = tx.path("authority").asText();
        assertThat(tx.path("payment_url").asText()).isEqualTo(zarinPal.baseUrl() + "/pg/StartPay/" + authority);
        assertThat(zarinPal.session(authority).orElseThrow().amount()).isEqualTo(500_000);
        assertThat(zarinPal.session(authority).orElseThrow().callbackUrl())
                .isEqualTo("http://127.0.0.1:" + gateway.port() + "/callback/zarinpal");

        String back = callback(atZarinPal(tx, "pay"));
        assertThat(back).startsWith(site.url("/shop/return?order=order-happy&flatpay_id="));
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
        JsonNode result = node(meezi, "verify-return", back);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("paid");
        assertThat(result.path("id").asText()).isEqualTo(tx.path("id").asText());
        assertThat(result.path("orderId").asText()).isEqualTo("order-happy");
        long refId = zarinPal.session(authority).orElseThrow().refId();
        assertThat(result.path("refId").asText()).isEqualTo(Long.toString(refId));
        // A return altered on the way is refused by the SDK.
        JsonNode forged = node(meezi, "verify-return", back.replace("flatpay_status=paid", "flatpay_status=failed"));
        assertThat(forged.path("error").path("name").asText()).isEqualTo("FlatPayVerificationError");

        Site.Hook hook = site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
        JsonNode event = node(
                meezi,
                "verify-webhook",
                hook.bodyFile().toString(),
                hook.headersFile().toString());
        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("payment.succeeded");
        assertThat(event.path("data").path("ref_id").asLong()).isEqualTo(refId);
        JsonNode tampered = node(
                meezi,
                "verify-webhook",
                hook.tampered().toString(),
                hook.headersFile().toString());
        assertThat(tampered.path("error").path("name").asText()).isEqualTo("FlatPayVerificationError");

        JsonNode paid = inquiry(tx.path("id").asText());
        assertThat(paid.path("status").asText()).isEqualTo("paid");
        assertThat(paid.path("ref_id").asLong()).isEqualTo(refId);
        assertThat(paid.path("card_pan").asText()).matches("^[0-9]{6}\\*{6}[0-9]{4}$");
        assertThat(paid.path("card_hash").asText()).isNotEmpty();
        assertThat(paid.path("payment_url").isNull()).isTrue();

        // The same order asked again answers the same transaction and asks ZarinPal nothing new.
        JsonNode again = request("order-happy", 500_000);
        assertThat(again.path("id").asText()).isEqualTo(tx.path("id").asText());
        assertThat(again.path("status").asText()).isEqualTo("paid");
        JsonNode other = node(
                meezi,
                "request",
                JSON.createObjectNode()
                        .put("amount", 600_000)
                        .put("orderId", "order-happy")
                        .put("description", "Order order-happy")
                        .put("returnUrl", site.url("/shop/return?order=order-happy"))
                        .toString());
        assertThat(other.path("error").path("status").asInt()).isEqualTo(409);
        assertThat(other.path("error").path("type").asText()).endsWith("/order-conflict");
    }

    @Test
    void aCallbackReplayedFiveTimesAtOnceVerifiesOnceAndAnswersAlike() throws Exception {
        JsonNode tx = request("order-replayed", 750_000);
        String callback = atZarinPal(tx, "pay");
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                answers.add(pool.submit(() -> callback(callback)));
            }
            Set<String> results = new HashSet<>();
            for (Future<String> answer : answers) {
                Map<String, String> query = query(answer.get(60, TimeUnit.SECONDS));
                results.add(query.get("flatpay_status") + " " + query.get("flatpay_ref_id"));
            }
            assertThat(results).hasSize(1);
            assertThat(results.iterator().next()).startsWith("paid ");
        } finally {
            pool.shutdownNow();
        }
        String authority = tx.path("authority").asText();
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
        assertThat(deliveries(tx.path("id").asText())).isEqualTo(1);
        site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
        // Replayed later, still the same answer and no new verification.
        assertThat(query(callback(callback)).get("flatpay_status")).isEqualTo("paid");
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
        assertThat(site.eventIds(tx.path("id").asText())).hasSize(1);
    }

    /**
     * Issue 15 case 1: a cancel at ZarinPal is the buyer's word, not a fact. The buyer comes back
     * "pending" (verify says -51, not paid), the payment stays open, and once it has expired
     * unpaid it ends cancelled with its webhook.
     */
    @Test
    void case1ACancelledPaymentStaysOpenUntilItExpiresThenEndsCancelled() {
        JsonNode tx = request("order-cancelled", 300_000);
        Map<String, String> back = query(callback(atZarinPal(tx, "cancel")));
        assertThat(back.get("flatpay_status")).isEqualTo("pending");
        assertThat(back.get("flatpay_ref_id")).isEmpty();
        assertThat(zarinPal.verifyCalls(tx.path("authority").asText())).isEqualTo(1);
        assertThat(inquiry(tx.path("id").asText()).path("status").asText()).isEqualTo("pending");
        gateway.payments().orElseThrow().reconcileNow();
        assertThat(inquiry(tx.path("id").asText()).path("status").asText()).isEqualTo("pending");
        assertThat(deliveries(tx.path("id").asText())).isZero();

        expireNow(tx.path("id").asText());
        gateway.payments().orElseThrow().reconcileNow();
        JsonNode closed = inquiry(tx.path("id").asText());
        assertThat(closed.path("status").asText()).isEqualTo("cancelled");
        site.awaitEvent(tx.path("id").asText(), "payment.cancelled");
    }

    private static void expireNow(String transactionId) {
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "UPDATE payment.transactions SET expires_at = now() - interval '1 minute' WHERE id = ?")
                        .bind(0, UUID.fromString(transactionId))
                        .execute());
    }

    /**
     * Issue 15 case 1: anyone who knows the authority (it is in the StartPay URL) calls the
     * callback before the buyer pays, with NOK and with OK. Neither settles anything: the broker
     * asks verify (-51, not paid) and keeps the payment open; the buyer then pays and the
     * payment ends paid, with one webhook, payment.succeeded. The expiry the broker enforces
     * was sent to ZarinPal with the request.
     */
    @Test
    void case1AForgedCallbackBeforeThePaymentSettlesNothingAndTheBuyerStillPays() {
        JsonNode tx = request("order-forged", 320_000);
        String authority = tx.path("authority").asText();
        String id = tx.path("id").asText();
        Instant expiresAt = Instant.parse(tx.path("expires_at").asText());
        assertThat(Duration.between(
                                expiresAt,
                                zarinPal.session(authority).orElseThrow().expiresAt())
                        .abs())
                .isLessThan(Duration.ofSeconds(3));
        String forged = "http://127.0.0.1:" + gateway.port() + "/callback/zarinpal?Authority=" + authority;

        assertThat(query(callback(forged + "&Status=NOK")).get("flatpay_status"))
                .isEqualTo("pending");
        assertThat(query(callback(forged + "&Status=OK")).get("flatpay_status")).isEqualTo("pending");
        JsonNode open = inquiry(id);
        assertThat(open.path("status").asText()).isEqualTo("pending");
        assertThat(open.path("payment_url").asText()).endsWith(authority);
        assertThat(open.path("last_error").asText()).contains("-51");
        assertThat(deliveries(id)).isZero();

        Map<String, String> paid = query(callback(atZarinPal(tx, "pay")));
        assertThat(paid.get("flatpay_status")).isEqualTo("paid");
        assertThat(inquiry(id).path("status").asText()).isEqualTo("paid");
        site.awaitEvent(id, "payment.succeeded");
        assertThat(count(
                        "SELECT count(*)::int FROM payment.webhook_deliveries WHERE transaction_id = ?",
                        UUID.fromString(id)))
                .isEqualTo(1);
    }

    /**
     * Issue 15 case 1: a payment ZarinPal takes after the broker expired the transaction (the
     * emulator's late payment) is found by reconciliation, verified, and ends paid with its
     * webhook, an alert, and a record the admin sees (attention, paid_after).
     */
    @Test
    void case1APaymentMadeAfterTheBrokerClosedItIsVerifiedAndShownToTheAdmin() {
        JsonNode tx = request("order-late", 330_000);
        String authority = tx.path("authority").asText();
        String id = tx.path("id").asText();
        expireNow(id);
        gateway.payments().orElseThrow().reconcileNow();
        assertThat(inquiry(id).path("status").asText()).isEqualTo("expired");
        site.awaitEvent(id, "payment.expired");

        zarinPal.payLate(authority);
        gateway.payments().orElseThrow().reconcileNow();

        JsonNode paid = inquiry(id);
        assertThat(paid.path("status").asText()).isEqualTo("paid");
        assertThat(paid.path("paid_after").asText()).isEqualTo("expired");
        assertThat(paid.path("ref_id").asText())
                .isEqualTo(
                        Long.toString(zarinPal.session(authority).orElseThrow().refId()));
        assertThat(zarinPal.session(authority).orElseThrow().state()).isEqualTo("verified");
        site.awaitEvent(id, "payment.succeeded");
        assertThat(attention("order-late")).contains("after the broker had closed it as expired");
    }

    /** The attention message of the order's transaction, as the admin list filtered on attention shows it. */
    private static String attention(String orderId) {
        GatewayClient.Answer flagged =
                client.get("/v1/admin/pay/transactions?attention=true&order_id=" + orderId, adminToken);
        assertThat(flagged.status()).as(flagged.toString()).isEqualTo(200);
        assertThat(flagged.body().path("transactions")).hasSize(1);
        return flagged.body()
                .path("transactions")
                .get(0)
                .path("attention")
                .path("message")
                .asText();
    }

    /** A signed call made by hand, to break one part of it at a time. */
    private static HttpResponse<String> signedCall(
            String apiKey, String secret, long timestamp, String nonce, String body, String signatureOverride) {
        return signedCall("/v1/pay/request", apiKey, secret, Long.toString(timestamp), nonce, body, signatureOverride);
    }

    /** A signed call with the X-FlatPay-Timestamp header as given, signed over it as sent. */
    private static HttpResponse<String> signedCall(
            String path,
            String apiKey,
            String secret,
            String timestamp,
            String nonce,
            String body,
            String signatureOverride) {
        String signature = signatureOverride != null
                ? signatureOverride
                : ClientSignature.signRequest(
                        secret, "POST", path, timestamp, nonce, body.getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey)
                .header("X-FlatPay-Timestamp", timestamp)
                .header("X-FlatPay-Nonce", nonce)
                .header("X-FlatPay-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String type) throws IOException {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asText()).endsWith("/" + type);
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    @Test
    void badCallsAreRefusedClearlyAndChangeNothing() throws Exception {
        int before = count("SELECT count(*)::int FROM payment.transactions");
        long now = Instant.now().getEpochSecond();
        String body = JSON.createObjectNode()
                .put("amount", 200_000)
                .put("order_id", "order-refused")
                .put("description", "refused")
                .put("return_url", site.url("/shop/return"))
                .toString();

        assertRefused(
                signedCall(
                        meezi.apiKey(), meezi.hmacSecret(), now, "nonce-bad-signature-1", body, "v1=" + "0".repeat(64)),
                401,
                "signature-invalid");
        assertRefused(
                signedCall(meezi.apiKey(), "fps_not-the-secret", now, "nonce-wrong-secret-01", body, null),
                401,
                "signature-invalid");
        assertRefused(
                signedCall(meezi.apiKey(), meezi.hmacSecret(), now - 301, "nonce-stale-timestamp", body, null),
                401,
                "timestamp-out-of-window");
        assertRefused(
                signedCall(ClientApps.newApiKey(), meezi.hmacSecret(), now, "nonce-unknown-key-01", body, null),
                401,
                "api-key-unknown");
        String outside = body.replace(site.url("/shop/return"), "https://evil.example/shop/return");
        assertRefused(
                signedCall(meezi.apiKey(), meezi.hmacSecret(), now, "nonce-return-outside1", outside, null),
                422,
                "validation");
        String sideways = body.replace(site.url("/shop/return"), site.url("/shop/returned-elsewhere"));
        assertRefused(
                signedCall(meezi.apiKey(), meezi.hmacSecret(), now, "nonce-return-sideways", sideways, null),
                422,
                "validation");
        assertThat(count("SELECT count(*)::int FROM payment.transactions")).isEqualTo(before);

        // A nonce is good once: the first call is taken, its replay refused.
        String reused = body.replace("order-refused", "order-nonce");
        assertThat(signedCall(meezi.apiKey(), meezi.hmacSecret(), now, "nonce-used-only-once", reused, null)
                        .statusCode())
                .isEqualTo(201);
        assertRefused(
                signedCall(meezi.apiKey(), meezi.hmacSecret(), now, "nonce-used-only-once", reused, null),
                401,
                "nonce-reused");
        assertThat(count("SELECT count(*)::int FROM payment.transactions")).isEqualTo(before + 1);

        // A disabled client app is refused, and works again once enabled.
        Client other = createClient("bargevasat.ir", List.of(site.url("/bv/")), site.url("/hooks/bv"));
        String bv = body.replace(site.url("/shop/return"), site.url("/bv/return"));
        GatewayClient.Answer disabled = client.send(client.request("/v1/admin/pay/clients/" + other.id(), adminToken)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"disabled\":true}"))
                .build());
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.body().path("disabled").asBoolean()).isTrue();
        assertRefused(
                signedCall(other.apiKey(), other.hmacSecret(), now, "nonce-disabled-client", bv, null),
                403,
                "client-disabled");
        assertThat(count("SELECT count(*)::int FROM payment.transactions WHERE client_id = ?", other.id()))
                .isZero();

        GatewayClient.Answer unknown =
                client.get("/callback/zarinpal?Authority=A" + "9".repeat(35) + "&Status=OK", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).endsWith("/authority-unknown");
        assertThat(client.get("/callback/zarinpal?Authority=../x&Status=OK", null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void anAmountMismatchAtVerifyIsNotAcceptedAndChangesNothing() {
        JsonNode tx = request("order-mismatch", 400_000);
        String authority = tx.path("authority").asText();
        zarinPal.payWithAmount(authority, 40_000);
        String back = callback(
                "http://127.0.0.1:" + gateway.port() + "/callback/zarinpal?Authority=" + authority + "&Status=OK");
        assertThat(query(back).get("flatpay_status")).isEqualTo("pending");
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
        JsonNode kept = inquiry(tx.path("id").asText());
        assertThat(kept.path("status").asText()).isEqualTo("pending");
        assertThat(kept.path("ref_id").isNull()).isTrue();
        assertThat(kept.path("last_error").asText()).contains("-50").contains("amount");
        assertThat(deliveries(tx.path("id").asText())).isZero();
    }

    @Test
    void zarinPalDownDuringVerifyLeavesThePaymentPendingForReconciliation() {
        JsonNode tx = request("order-down", 350_000);
        String callback = atZarinPal(tx, "pay");
        String back;
        zarinPal.setAvailable(false);
        try {
            back = callback(callback);
        } finally {
            zarinPal.setAvailable(true);
        }
        assertThat(query(back).get("flatpay_status")).isEqualTo("pending");
        JsonNode waiting = inquiry(tx.path("id").asText());
        assertThat(waiting.path("status").asText()).isEqualTo("pending");
        assertThat(waiting.path("last_error").asText()).isNotBlank();
        assertThat(deliveries(tx.path("id").asText())).isZero();

        gateway.payments().orElseThrow().reconcileNow();
        JsonNode paid = inquiry(tx.path("id").asText());
        assertThat(paid.path("status").asText()).isEqualTo("paid");
        assertThat(paid.path("last_error").isNull()).isTrue();
        site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
        // The buyer's late return now shows it paid.
        assertThat(query(callback(callback)).get("flatpay_status")).isEqualTo("paid");
    }

    @Test
    void aBuyerWhoNeverComesBackIsVerifiedByReconciliation() {
        JsonNode tx = request("order-gone", 250_000);
        atZarinPal(tx, "pay"); // paid, but the buyer closes the tab before the callback
        assertThat(inquiry(tx.path("id").asText()).path("status").asText()).isEqualTo("pending");
        gateway.payments().orElseThrow().reconcileNow();
        JsonNode paid = inquiry(tx.path("id").asText());
        assertThat(paid.path("status").asText()).isEqualTo("paid");
        assertThat(zarinPal.verifyCalls(tx.path("authority").asText())).isEqualTo(1);
        site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
    }

    @Test
    void anUnpaidPaymentExpires() {
        JsonNode tx = request("order-unpaid", 150_000);
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "UPDATE payment.transactions SET expires_at = now() - interval '1 minute' WHERE id = ?")
                        .bind(0, UUID.fromString(tx.path("id").asText()))
                        .execute());
        gateway.payments().orElseThrow().reconcileNow();
        assertThat(inquiry(tx.path("id").asText()).path("status").asText()).isEqualTo("expired");
        site.awaitEvent(tx.path("id").asText(), "payment.expired");
    }

    @Test
    void aPlanBoughtThroughTheOwnCheckoutCreditsTheWalletOnce() throws Exception {
        String email = "buyer-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        GatewayClient.Answer signedUp = client.post(
                "/v1/auth/signup",
                null,
                JSON.createObjectNode()
                        .put("email", email)
                        .put("password", "a long password")
                        .put("name", "Buyer")
                        .toString());
        assertThat(signedUp.status()).as(signedUp.toString()).isEqualTo(201);
        String token = signedUp.body().path("access_token").asText();
        UUID tenant = UUID.fromString(signedUp.body().path("tenant_id").asText());

        GatewayClient.Answer checkout = client.post(
                "/v1/billing/checkouts",
                token,
                JSON.createObjectNode().put("plan_id", "pro").toString());
        assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
        assertThat(checkout.body().path("amount_rial").asLong()).isEqualTo(4_900_000);
        String checkoutId = checkout.body().path("id").asText();

        String back = callback(atZarinPal(checkout.body(), "pay"));
        // Back to the web app's page, which asks the API with the query it came back with.
        assertThat(back).startsWith("http://127.0.0.1:" + gateway.port() + CheckoutConfig.PAGE_RETURN_PATH + "?");
        String query = URI.create(back).getRawQuery();
        GatewayClient.Answer returned = client.get(CheckoutConfig.RETURN_PATH + "?" + query, null);
        assertThat(returned.status()).as(returned.toString()).isEqualTo(200);
        assertThat(returned.body().path("payment_status").asText()).isEqualTo("paid");
        GatewayClient.Answer forged = client.get(
                CheckoutConfig.RETURN_PATH + "?" + query.replace("flatpay_status=paid", "flatpay_status=failed"), null);
        assertThat(forged.status()).isEqualTo(400);

        String reference = "checkout:" + checkoutId;
        TestingNodes.eventually(
                Duration.ofSeconds(30),
                () -> assertThat(count(
                                "SELECT count(*)::int FROM identity.ledger_entries WHERE reference = ? AND kind = 'credit'",
                                reference))
                        .isEqualTo(1));
        // The broker sends the webhook again (a retry after a lost answer): still one credit.
        UUID transaction = UUID.fromString(postgres.database()
                .jdbi()
                .withHandle(
                        handle -> handle.createQuery("SELECT transaction_id::text FROM identity.checkouts WHERE id = ?")
                                .bind(0, UUID.fromString(checkoutId))
                                .mapTo(String.class)
                                .one()));
        postgres.database()
                .jdbi()
                .useHandle(
                        handle -> handle.createUpdate("""
                                UPDATE payment.webhook_deliveries SET state = 'pending', next_attempt_at = now()
                                WHERE transaction_id = ?
                                """).bind(0, transaction).execute());
        TestingNodes.eventually(
                Duration.ofSeconds(30),
                () -> assertThat(count(
                                "SELECT count(*)::int FROM payment.webhook_deliveries"
                                        + " WHERE transaction_id = ? AND state = 'delivered' AND attempts = 2",
                                transaction))
                        .isEqualTo(1));
        assertThat(count(
                        "SELECT count(*)::int FROM identity.ledger_entries WHERE reference = ? AND kind = 'credit'",
                        reference))
                .isEqualTo(1);

        GatewayClient.Answer wallet = client.get("/v1/wallet", token);
        assertThat(wallet.body().path("credited_rial").asLong()).isEqualTo(4_900_000);
        assertThat(count("SELECT count(*)::int FROM identity.tenants WHERE id = ? AND plan_id = 'pro'", tenant))
                .isEqualTo(1);
        GatewayClient.Answer shown = client.get("/v1/billing/checkouts/" + checkoutId, token);
        assertThat(shown.body().path("state").asText()).isEqualTo("paid");
        assertThat(shown.body().path("ref_id").asLong()).isPositive();
        // Another tenant does not see it.
        GatewayClient.Answer stranger = client.get("/v1/billing/checkouts/" + checkoutId, adminToken);
        assertThat(stranger.status()).isEqualTo(404);
        // A webhook not signed by the broker is refused.
        GatewayClient.Answer unsigned =
                client.post(CheckoutConfig.WEBHOOK_PATH, null, "{\"type\":\"payment.succeeded\"}");
        assertThat(unsigned.status()).isEqualTo(401);
    }

    @Test
    void adminsManageClientAppsWithOneTimeSecretsAndPagedTransactions() throws Exception {
        Client app = createClient("rotating.example", List.of(site.url("/rot/")), site.url("/hooks/rot"));
        GatewayClient.Answer shown = client.get("/v1/admin/pay/clients/" + app.id(), adminToken);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().toString())
                .doesNotContain(app.hmacSecret())
                .doesNotContain(app.webhookSecret())
                .doesNotContain("api_key");
        assertThat(count(
                        "SELECT count(*)::int FROM payment.client_keys WHERE client_id = ? AND key_sha256 = ?",
                        app.id(),
                        Secrets.sha256(app.apiKey())))
                .isEqualTo(1);
        assertThat(count(
                        "SELECT count(*)::int FROM payment.client_keys WHERE position(? in hmac_secret_encrypted) > 0",
                        app.hmacSecret()))
                .isZero();
        String body = JSON.createObjectNode()
                .put("amount", 100_000)
                .put("order_id", "rot-1")
                .put("description", "rotation")
                .put("return_url", site.url("/rot/back"))
                .toString();
        long now = Instant.now().getEpochSecond();

        // Rotated with grace: old and new keys both work; rotated again without: the old one is refused.
        GatewayClient.Answer rotated = client.post(
                "/v1/admin/pay/clients/" + app.id() + "/keys/rotate", adminToken, "{\"grace_seconds\":600}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        Client next = new Client(
                app.id(),
                rotated.body().path("api_key").asText(),
                rotated.body().path("hmac_secret").asText(),
                app.webhookSecret());
        assertThat(signedCall(app.apiKey(), app.hmacSecret(), now, "nonce-rotation-old-1", body, null)
                        .statusCode())
                .isEqualTo(201);
        assertThat(signedCall(next.apiKey(), next.hmacSecret(), now, "nonce-rotation-new-1", body, null)
                        .statusCode())
                .isEqualTo(200);
        GatewayClient.Answer again = client.post("/v1/admin/pay/clients/" + app.id() + "/keys/rotate", adminToken, "");
        assertThat(again.status()).isEqualTo(200);
        assertRefused(
                signedCall(next.apiKey(), next.hmacSecret(), now, "nonce-rotation-gone-1", body, null),
                401,
                "api-key-unknown");

        // Listed with filters and pages.
        GatewayClient.Answer page =
                client.get("/v1/admin/pay/transactions?client_id=" + meezi.id() + "&limit=1", adminToken);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body().path("transactions")).hasSize(1);
        String cursor = page.body().path("next_cursor").asText();
        assertThat(cursor).isNotEmpty();
        GatewayClient.Answer second = client.get(
                "/v1/admin/pay/transactions?client_id=" + meezi.id() + "&limit=1&cursor=" + cursor, adminToken);
        assertThat(second.body().path("transactions").get(0).path("id").asText())
                .isNotEqualTo(page.body().path("transactions").get(0).path("id").asText());
        GatewayClient.Answer byOrder = client.get("/v1/admin/pay/transactions?order_id=rot-1", adminToken);
        assertThat(byOrder.body().path("transactions")).hasSize(1);
        assertThat(byOrder.body().path("transactions").get(0).path("client_id").asText())
                .isEqualTo(app.id().toString());
        assertThat(client.get("/v1/admin/pay/transactions?status=nonsense", adminToken)
                        .status())
                .isEqualTo(422);

        // A new webhook secret, shown once, signs what is sent from then on; the old one no longer verifies.
        GatewayClient.Answer newSecret =
                client.post("/v1/admin/pay/clients/" + app.id() + "/webhook-secret/rotate", adminToken, "");
        assertThat(newSecret.status()).as(newSecret.toString()).isEqualTo(200);
        String webhookSecret = newSecret.body().path("webhook_secret").asText();
        assertThat(webhookSecret).startsWith("whsec_").isNotEqualTo(app.webhookSecret());
        String pending = byOrder.body().path("transactions").get(0).path("id").asText();
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "UPDATE payment.transactions SET expires_at = now() - interval '1 minute' WHERE id = ?")
                        .bind(0, UUID.fromString(pending))
                        .execute());
        gateway.payments().orElseThrow().reconcileNow();
        Site.Hook expired = site.awaitEvent(pending, "payment.expired");
        Client rotatedSecret = new Client(app.id(), app.apiKey(), app.hmacSecret(), webhookSecret);
        assertThat(node(
                                rotatedSecret,
                                "verify-webhook",
                                expired.bodyFile().toString(),
                                expired.headersFile().toString())
                        .path("type")
                        .asText())
                .isEqualTo("payment.expired");
        assertThat(node(
                                app,
                                "verify-webhook",
                                expired.bodyFile().toString(),
                                expired.headersFile().toString())
                        .path("error")
                        .path("name")
                        .asText())
                .isEqualTo("FlatPayVerificationError");

        // Not for members who are not farm administrators.
        GatewayClient.Answer signedUp = client.post(
                "/v1/auth/signup",
                null,
                JSON.createObjectNode()
                        .put("email", "member-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com")
                        .put("password", "a long password")
                        .put("name", "Member")
                        .toString());
        String member = signedUp.body().path("access_token").asText();
        assertThat(client.get("/v1/admin/pay/clients", member).status()).isEqualTo(403);
        assertThat(client.get("/v1/admin/pay/transactions", member).status()).isEqualTo(403);
        assertThat(client.get("/v1/admin/pay/clients", null).status()).isEqualTo(401);
    }

    /** A request body for meezi, by hand; {@code extra} is JSON members added as written. */
    private static String body(String orderId, long amount, String returnPath, String extra) {
        return "{\"amount\":" + amount + ",\"order_id\":\"" + orderId + "\",\"description\":\"Order " + orderId
                + "\",\"return_url\":\"" + site.url(returnPath) + "\"" + extra + "}";
    }

    private static HttpResponse<String> meeziCall(String nonce, String body) {
        return signedCall(meezi.apiKey(), meezi.hmacSecret(), Instant.now().getEpochSecond(), nonce, body, null);
    }

    private static void assertInvalidField(HttpResponse<String> answer, String field) throws IOException {
        assertRefused(answer, 422, "validation");
        JsonNode problem = JSON.readTree(answer.body());
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertThat(fields).as(answer.body()).contains(field);
    }

    /** The buyer pays and comes back while verify answers with {@code fault}; where they are sent. */
    private static String paidWithRefIdFault(JsonNode tx, ZarinPalEmulator.RefIdFault fault) {
        String callback = atZarinPal(tx, "pay");
        zarinPal.setRefIdFault(fault);
        try {
            return callback(callback);
        } finally {
            zarinPal.setRefIdFault(ZarinPalEmulator.RefIdFault.NONE);
        }
    }

    /**
     * Issue 15 case 2: verify answering 100 with a ref_id past 2^63 (the emulator's fault
     * switch) is kept digit for digit: in the row, the inquiry, the signed return and the webhook.
     */
    @Test
    void case2ARefIdPast2To63IsKeptExactly() throws Exception {
        JsonNode tx = request("order-big-ref", 360_000);
        String authority = tx.path("authority").asText();
        String back = paidWithRefIdFault(tx, ZarinPalEmulator.RefIdFault.PAST_2_63);
        String expected = ZarinPalEmulator.TWO_TO_THE_64
                .add(java.math.BigInteger.valueOf(
                        zarinPal.session(authority).orElseThrow().refId()))
                .toString();
        assertThat(expected).hasSize(20);
        assertThat(query(back).get("flatpay_ref_id")).isEqualTo(expected);
        JsonNode result = node(meezi, "verify-return", back);
        assertThat(result.path("refId").asText()).isEqualTo(expected);
        assertThat(inquiry(tx.path("id").asText()).path("ref_id").asText()).isEqualTo(expected);
        Site.Hook hook = site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
        assertThat(JSON.readTree(Files.readString(hook.bodyFile()))
                        .path("data")
                        .path("ref_id")
                        .asText())
                .isEqualTo(expected);
    }

    /**
     * Issue 15 case 2: verify answering 100 without a ref_id is not a payment recorded with ref
     * 0: it stays pending with the reason, and reconciliation's next verify (101 with the ref)
     * settles it.
     */
    @Test
    void case2ASuccessWithoutARefIdIsNotPaidUntilAVerifyGivesOne() {
        JsonNode tx = request("order-no-ref", 370_000);
        String authority = tx.path("authority").asText();
        String id = tx.path("id").asText();
        String back = paidWithRefIdFault(tx, ZarinPalEmulator.RefIdFault.MISSING);
        assertThat(query(back).get("flatpay_status")).isEqualTo("pending");
        JsonNode waiting = inquiry(id);
        assertThat(waiting.path("status").asText()).isEqualTo("pending");
        assertThat(waiting.path("ref_id").isNull()).isTrue();
        assertThat(waiting.path("last_error").asText()).contains("without a ref_id");
        assertThat(deliveries(id)).isZero();

        makeVerifyDue(id);
        gateway.payments().orElseThrow().reconcileNow();
        JsonNode paid = inquiry(id);
        assertThat(paid.path("status").asText()).isEqualTo("paid");
        assertThat(paid.path("ref_id").asText())
                .isEqualTo(
                        Long.toString(zarinPal.session(authority).orElseThrow().refId()));
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(2);
    }

    private static void makeVerifyDue(String transactionId) {
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate("""
                                UPDATE payment.transactions SET next_verify_at = now()
                                WHERE id = ? AND next_verify_at <> 'infinity'
                                """)
                        .bind(0, UUID.fromString(transactionId))
                        .execute());
    }

    /** Issue 15 case 3: NUL and lone surrogates are refused with 422 naming the field, never a 500 or a '?'. */
    @Test
    void case3NulAndLoneSurrogatesAreRefusedNamingTheField() throws Exception {
        int before = count("SELECT count(*)::int FROM payment.transactions");
        assertInvalidField(
                meeziCall(
                        "nonce-case3-nul-description",
                        body("order-nul", 200_000, "/shop/return", "").replace("Order order-nul", "Order \\u0000 nul")),
                "description");
        assertInvalidField(
                meeziCall(
                        "nonce-case3-surrogate-desc",
                        body("order-surrogate", 200_000, "/shop/return", "")
                                .replace("Order order-surrogate", "Order \\ud83d alone")),
                "description");
        assertInvalidField(
                meeziCall(
                        "nonce-case3-nul-metadata",
                        body("order-nul-meta", 200_000, "/shop/return", ",\"metadata\":{\"email\":\"a\\u0000@b.ir\"}")),
                "metadata.email");
        assertInvalidField(
                meeziCall(
                        "nonce-case3-low-surrogate",
                        body("order-low", 200_000, "/shop/return", ",\"metadata\":{\"note\":\"\\udc00\"}")),
                "metadata.note");
        assertThat(count("SELECT count(*)::int FROM payment.transactions")).isEqualTo(before);
        assertInvalidField(
                signedCall(
                        "/v1/pay/inquiry",
                        meezi.apiKey(),
                        meezi.hmacSecret(),
                        Long.toString(Instant.now().getEpochSecond()),
                        "nonce-case3-nul-inquiry",
                        "{\"order_id\":\"a\\u0000b\"}",
                        null),
                "order_id");
        // A pair of surrogates (an emoji) is text like any other.
        assertThat(meeziCall(
                                "nonce-case3-emoji-is-fine",
                                body("order-emoji", 200_000, "/shop/return", "")
                                        .replace("Order order-emoji", "Order \\ud83d\\ude00"))
                        .statusCode())
                .isEqualTo(201);
        GatewayClient.Answer admin = client.post(
                "/v1/admin/pay/clients",
                adminToken,
                "{\"name\":\"nul\\u0000.example\",\"return_urls\":[\"" + site.url("/nul/") + "\"]}");
        assertThat(admin.status()).as(admin.toString()).isEqualTo(422);
        assertThat(admin.body().path("errors").get(0).path("field").asText()).isEqualTo("name");
    }

    /**
     * Issue 15 case 4: code and PAYMENTS.md section 2 agree. A timestamp header with a leading
     * zero, signed over the header as sent, is taken; and a call refused with 422, 409, 503 or
     * 502 does not take its nonce: the same nonce works on the corrected call.
     */
    @Test
    void case4TheContractsTimestampAndNonceRulesHold() throws Exception {
        String zero = "0" + Instant.now().getEpochSecond();
        assertThat(signedCall(
                                "/v1/pay/request",
                                meezi.apiKey(),
                                meezi.hmacSecret(),
                                zero,
                                "nonce-case4-leading-zero",
                                body("order-zero", 200_000, "/shop/return", ""),
                                null)
                        .statusCode())
                .isEqualTo(201);

        // 422, then the same nonce with a good body.
        assertRefused(meeziCall("nonce-case4-after-422", body("order-422", 5, "/shop/return", "")), 422, "validation");
        assertThat(meeziCall("nonce-case4-after-422", body("order-422", 200_000, "/shop/return", ""))
                        .statusCode())
                .isEqualTo(201);
        // 409 (the order asked with another amount), then the same nonce for a new order.
        assertRefused(
                meeziCall("nonce-case4-after-409", body("order-422", 210_000, "/shop/return", "")),
                409,
                "order-conflict");
        assertThat(meeziCall("nonce-case4-after-409", body("order-409", 210_000, "/shop/return", ""))
                        .statusCode())
                .isEqualTo(201);
        // 503 (ZarinPal down), then the same call and nonce once it is back.
        String down = body("order-503", 220_000, "/shop/return", "");
        zarinPal.setAvailable(false);
        try {
            assertRefused(meeziCall("nonce-case4-after-503", down), 503, "zarinpal-unreachable");
        } finally {
            zarinPal.setAvailable(true);
        }
        assertThat(meeziCall("nonce-case4-after-503", down).statusCode()).isEqualTo(201);
        // 502 (ZarinPal refuses this client's merchant), then the same nonce elsewhere.
        Client stranger = createClient("stranger.example", List.of(site.url("/stranger/")), site.url("/hooks/s"));
        GatewayClient.Answer patched = client.send(client.request("/v1/admin/pay/clients/" + stranger.id(), adminToken)
                .header("Content-Type", "application/json")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(
                                "{\"merchant_id\":\"99999999-2222-3333-4444-555555555555\"}"))
                .build());
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        long now = Instant.now().getEpochSecond();
        assertRefused(
                signedCall(
                        stranger.apiKey(),
                        stranger.hmacSecret(),
                        now,
                        "nonce-case4-after-502",
                        body("order-502", 230_000, "/stranger/back", ""),
                        null),
                502,
                "zarinpal-refused");
        assertThat(count(
                        "SELECT count(*)::int FROM payment.request_nonces WHERE client_id = ? AND nonce = ?",
                        stranger.id(),
                        "nonce-case4-after-502"))
                .isZero();
        // A call taken keeps its nonce.
        assertRefused(
                meeziCall("nonce-case4-after-503", body("order-other", 220_000, "/shop/return", "")),
                401,
                "nonce-reused");
    }

    /**
     * Issue 15 case 5: the site answers webhooks on a server that takes an "Upgrade" request
     * for a WebSocket (as Node.js does with an upgrade listener) and never sees it as a POST.
     * The broker sends HTTP/1.1 without Upgrade: h2c, so the webhook arrives.
     */
    @Test
    void case5WebhooksAreHttp11WithoutAnUpgrade() {
        JsonNode tx = request("order-h2c", 380_000);
        callback(atZarinPal(tx, "pay"));
        site.awaitEvent(tx.path("id").asText(), "payment.succeeded");
        assertThat(site.upgrades.get()).isZero();
        assertThat(site.protocols).isNotEmpty().allMatch("HTTP/1.1"::equals);
        assertThat(count(
                        "SELECT count(*)::int FROM payment.webhook_deliveries WHERE transaction_id = ? AND attempts = 1",
                        UUID.fromString(tx.path("id").asText())))
                .isEqualTo(1);
    }

    /** Issue 15 case 6: an amount above ZarinPal's limit is a 422 at request time, not a failed transaction. */
    @Test
    void case6AnAmountAboveZarinPalsLimitIsRefusedBeforeZarinPalIsAsked() throws Exception {
        int before = count("SELECT count(*)::int FROM payment.transactions");
        HttpResponse<String> over = meeziCall(
                "nonce-case6-over-the-limit",
                body("order-too-much", PaymentConfig.MAX_AMOUNT_RIAL + 10, "/shop/return", ""));
        assertInvalidField(over, "amount");
        assertThat(JSON.readTree(over.body()).path("detail").asText()).contains("2,000,000,000");
        assertThat(count("SELECT count(*)::int FROM payment.transactions")).isEqualTo(before);
        HttpResponse<String> limit = meeziCall(
                "nonce-case6-at-the-limit-1",
                body("order-the-most", PaymentConfig.MAX_AMOUNT_RIAL, "/shop/return", ""));
        assertThat(limit.statusCode()).as(limit.body()).isEqualTo(201);
    }

    /** Issue 15 case 7: a return URL that carries a flatpay_* parameter is refused; the broker adds them. */
    @Test
    void case7AReturnUrlWithAReservedParameterIsRefused() throws Exception {
        for (String query : List.of("?flatpay_status=paid", "?x=1&FLATPAY_ID=1", "?flatpay%5Fsignature=ab")) {
            assertInvalidField(
                    meeziCall(
                            "nonce-case7-" + Math.abs(query.hashCode()) + "-reserved",
                            body("order-reserved", 200_000, "/shop/return" + query, "")),
                    "return_url");
        }
        assertThat(count("SELECT count(*)::int FROM payment.transactions WHERE order_id = 'order-reserved'"))
                .isZero();
    }

    /**
     * Issue 15 case 8: five concurrent callbacks while verify hangs are each answered within
     * the callback's wait with the "we are confirming" page, one verify is in flight, and the
     * row is not locked meanwhile; once ZarinPal answers, the payment is paid.
     */
    @Test
    void case8SlowVerifiesNeitherHoldTheBuyerNorLockTheRow() throws Exception {
        JsonNode tx = request("order-slow", 390_000);
        String authority = tx.path("authority").asText();
        String id = tx.path("id").asText();
        String callback = atZarinPal(tx, "pay");
        ExecutorService pool = Executors.newFixedThreadPool(5);
        zarinPal.holdVerifies();
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                answers.add(pool.submit(() -> get(callback)));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> page = answer.get(30, TimeUnit.SECONDS);
                assertThat(page.statusCode()).isEqualTo(202);
                assertThat(page.body()).contains("confirming your payment");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CALLBACK_WAIT.plusSeconds(3));
            assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
            String locked = postgres.database()
                    .jdbi()
                    .inTransaction(handle -> handle.createQuery(
                                    "SELECT status FROM payment.transactions WHERE id = ? FOR UPDATE NOWAIT")
                            .bind(0, UUID.fromString(id))
                            .mapTo(String.class)
                            .one());
            assertThat(locked).isEqualTo("pending");
        } finally {
            zarinPal.releaseVerifies();
            pool.shutdownNow();
        }
        assertThat(query(callback(callback)).get("flatpay_status")).isEqualTo("paid");
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
    }

    /**
     * Issue 15 case 9: a -50 that never clears is verified again with a growing delay, at most
     * MAX_AUTOMATIC_VERIFIES times, then left to an admin, who sees it in the transactions list.
     */
    @Test
    void case9AnAmountMismatchIsRetriedWithBackoffThenCappedAndShownToTheAdmin() {
        JsonNode tx = request("order-mismatch-forever", 410_000);
        String authority = tx.path("authority").asText();
        String id = tx.path("id").asText();
        zarinPal.payWithAmount(authority, 41_000);
        callback("http://127.0.0.1:" + gateway.port() + "/callback/zarinpal?Authority=" + authority + "&Status=OK");
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(1);
        for (int pass = 0; pass < 3; pass++) {
            gateway.payments().orElseThrow().reconcileNow();
        }
        assertThat(zarinPal.verifyCalls(authority)).as("backoff: not due yet").isEqualTo(1);

        makeVerifyDue(id);
        gateway.payments().orElseThrow().reconcileNow();
        assertThat(zarinPal.verifyCalls(authority)).isEqualTo(2);
        assertThat(count(
                        "SELECT count(*)::int FROM payment.transactions WHERE id = ?"
                                + " AND next_verify_at > now() + interval '90 seconds'",
                        UUID.fromString(id)))
                .as("the second delay is about two minutes")
                .isEqualTo(1);
        for (int pass = 0; pass < 10; pass++) {
            makeVerifyDue(id);
            gateway.payments().orElseThrow().reconcileNow();
        }
        assertThat(zarinPal.verifyCalls(authority))
                .isEqualTo(ir.flatrender.gateway.payment.Transactions.MAX_AUTOMATIC_VERIFIES);
        JsonNode kept = inquiry(id);
        assertThat(kept.path("status").asText()).isEqualTo("pending");
        assertThat(attention("order-mismatch-forever")).contains("-50");
    }

    @Test
    void eachRoleReadsOnlyItsOwnSchema() {
        assertThatThrownBy(() -> paymentDatabase
                        .jdbi()
                        .withHandle(h -> h.createQuery("SELECT count(*) FROM identity.tenants")
                                .mapTo(Long.class)
                                .one()))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> gatewayDatabase
                        .jdbi()
                        .withHandle(h -> h.createQuery("SELECT count(*) FROM payment.transactions")
                                .mapTo(Long.class)
                                .one()))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> paymentDatabase
                        .jdbi()
                        .useHandle(h -> h.createUpdate("DELETE FROM payment.transactions")
                                .execute()))
                .hasMessageContaining("permission denied");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteOfAGatewayWithTheBroker() {
        GatewayClient.Answer document = client.get("/openapi.json", null);
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths =
                document.body().path("paths").properties().iterator();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    documented.add(method + " " + path.getKey());
                }
            });
        }
        Set<String> served = new HashSet<>();
        for (RouteTable.Route route : gateway.routes()) {
            served.add(route.method() + " " + route.path());
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    }

    /** The client site's HTTP side: the broker's webhooks land here, kept as received. */
    private static final class Site implements AutoCloseable {
        record Hook(String transactionId, String type, String id, Path bodyFile, Path headersFile, Path tampered) {}

        private final com.sun.net.httpserver.HttpServer server;
        private final List<Hook> hooks = new CopyOnWriteArrayList<>();
        private final List<String> protocols = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger upgrades =
                new java.util.concurrent.atomic.AtomicInteger();

        Site() throws IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks", exchange -> {
                protocols.add(exchange.getProtocol());
                if (exchange.getRequestHeaders().containsKey("Upgrade")) {
                    // As a Node.js server with an 'upgrade' listener (WebSockets on the same port):
                    // the request goes to the upgrade handler, which drops it; the POST is never seen.
                    upgrades.incrementAndGet();
                    exchange.close();
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = new HashMap<>();
                for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                    headers.put(name, exchange.getRequestHeaders().getFirst(name));
                }
                JsonNode event = JSON.readTree(body);
                String n = UUID.randomUUID().toString();
                Path bodyFile = Files.write(directory.resolve(n + ".body"), body);
                Path headersFile =
                        Files.writeString(directory.resolve(n + ".headers"), JSON.writeValueAsString(headers));
                Path tampered = Files.writeString(
                        directory.resolve(n + ".tampered"),
                        new String(body, StandardCharsets.UTF_8).replace("\"amount\":", "\"amount\":1"));
                hooks.add(new Hook(
                        event.path("data").path("id").asText(),
                        event.path("type").asText(),
                        headers.get("webhook-id"),
                        bodyFile,
                        headersFile,
                        tampered));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        Hook awaitEvent(String transactionId, String type) {
            Hook[] found = new Hook[1];
            TestingNodes.eventually(Duration.ofSeconds(30), () -> {
                found[0] = hooks.stream()
                        .filter(h -> h.transactionId().equals(transactionId)
                                && h.type().equals(type))
                        .findFirst()
                        .orElse(null);
                assertThat(found[0]).as(type + " for " + transactionId).isNotNull();
            });
            return found[0];
        }

        Set<String> eventIds(String transactionId) {
            Set<String> ids = new HashSet<>();
            hooks.stream().filter(h -> h.transactionId().equals(transactionId)).forEach(h -> ids.add(h.id()));
            return ids;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
