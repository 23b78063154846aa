package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.FarmAdmins;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.farm.testing.TestingNodes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway over real HTTP against an orchestrator, a render node and PostgreSQL: accounts,
 * the wallet, renders paid for and downloaded, tenants kept apart, bad input refused.
 */
class GatewayIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin@farm.test";
    private static final String ADMIN_PASSWORD = "admin password 1";
    private static TestingOrchestrator orchestrator;
    private static TestingNodes nodes;
    private static Map<String, byte[]> keys;
    private static Gateway gateway;
    private static ir.flatrender.migrations.Database gatewayDatabase;
    private static GatewayClient client;
    private static String adminToken;
    private static String gatewayToken;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config.installSamples(true));
        nodes = new TestingNodes();
        nodes.start(orchestrator, "node-a", directory, 1, EngineSettings.timelineOnly());
        // After Effects nodes on the fake aerender, whose "mode" binding makes a render fail.
        orchestrator.installTestTemplate("ae-card", List.of("template.json", "card.aep"));
        try {
            EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
            nodes.start(orchestrator, "ae-1", directory, 1, afterEffects);
            nodes.start(orchestrator, "ae-2", directory, 1, afterEffects);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        keys = AccessTokens.generateKeys();
        // The gateway presents its own credential (not the farm token), naming the tenant on each call.
        gatewayToken = orchestrator.enrollGateway("gateway");
        gatewayDatabase = connectAs(ServiceRoles.GATEWAY, "gateway_test_login");
        // The schema is migrated (by the test database's owner); the gateway runs as its own role.
        gateway = Gateway.startMigrated(config(), gatewayDatabase, JSON);
        client = new GatewayClient(gateway.port());
        FarmAdmins.ensure(postgres.database().jdbi(), ADMIN, "Admin", ADMIN_PASSWORD);
        adminToken = login(ADMIN, ADMIN_PASSWORD).path("access_token").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gatewayDatabase.close();
        nodes.close();
        orchestrator.close();
    }

    private static final byte[] MASTER_KEY = ir.flatrender.gateway.identity.SecretBox.generateKey();

    /** The gateway's configuration; a restarted gateway gets the same (keys included). */
    private static GatewayConfig config() {
        return GatewayConfig.builder(orchestrator.target(), gatewayToken, keys, MASTER_KEY)
                .listen("127.0.0.1", 0)
                .allowPrivateWebhooks(true)
                .webhookSchedule(
                        List.of(
                                Duration.ofMillis(300),
                                Duration.ofMillis(300),
                                Duration.ofMillis(300),
                                Duration.ofMillis(300),
                                Duration.ofMillis(300)),
                        Duration.ofMillis(100))
                .build();
    }

    /** A connection as a new login in a service's role. */
    private static ir.flatrender.migrations.Database connectAs(String role, String login) {
        ServiceRoles.ensureLogin(postgres.database().dataSource(), role, login, "test password");
        return ir.flatrender.migrations.Database.connect(
                ServiceRoles.loginConfig(postgres.config(), login, "test password"), login, JSON);
    }

    private static JsonNode login(String email, String password) {
        GatewayClient.Answer answer = client.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", email)
                        .put("password", password)
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body();
    }

    /** A new user in a tenant of their own: their session (access and refresh tokens, ids). */
    private static JsonNode signUp(String name) {
        String email = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        GatewayClient.Answer answer = client.post(
                "/v1/auth/signup",
                null,
                JSON.createObjectNode()
                        .put("email", email)
                        .put("password", "a long password")
                        .put("name", name)
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer.body()).put("email", email);
        return answer.body();
    }

    private static void credit(JsonNode session, long rial) {
        GatewayClient.Answer answer = client.post(
                "/v1/admin/tenants/" + session.path("tenant_id").asText() + "/credits",
                adminToken,
                "{\"amount_rial\": " + rial + ", \"reason\": \"test credit\"}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    private static String renderBody(String tier, String bindings) {
        return "{\"template\": \"sample-promo\", \"aspect\": \"16:9\", \"tier\": \"" + tier + "\", \"bindings\": "
                + bindings + "}";
    }

    private static JsonNode wallet(String token) {
        GatewayClient.Answer answer = client.get("/v1/wallet", token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body();
    }

    private static List<String> ledger(String token) {
        List<String> entries = new java.util.ArrayList<>();
        wallet(token).path("entries").forEach(e -> entries.add(e.path("kind").asText() + " " + e.path("amount_rial")));
        java.util.Collections.reverse(entries);
        return entries;
    }

    private static long rows(String table, String tenantId) {
        return postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM identity." + table + " WHERE tenant_id = :t")
                        .bind("t", UUID.fromString(tenantId))
                        .mapTo(Long.class)
                        .one());
    }

    private static JsonNode settled(String token, String renderId) {
        JsonNode render;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        do {
            gateway.settleNow();
            render = client.get("/v1/renders/" + renderId, token).body();
            String state = render.path("state").asText();
            boolean settledInLedger =
                    ledger(token).stream().anyMatch(e -> e.startsWith("capture") || e.startsWith("release"));
            if (Set.of("succeeded", "failed", "cancelled").contains(state) && settledInLedger) {
                return render;
            }
            // The settler polls the farm; the job's own events say when to look again.
            client.events("/v1/renders/" + renderId + "/events", token);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("render " + renderId + " not settled: " + render);
    }

    @Test
    void aUserSignsUpPaysForARenderFollowsItAndDownloadsTheVideo() throws Exception {
        JsonNode session = signUp("Sara");
        String token = login(session.path("email").asText(), "a long password")
                .path("access_token")
                .asText();
        GatewayClient.Answer me = client.get("/v1/me", token);
        assertThat(me.body().path("tenant_id").asText())
                .isEqualTo(session.path("tenant_id").asText());
        assertThat(me.body().path("role").asText()).isEqualTo("owner");

        GatewayClient.Answer templates = client.get("/v1/templates", token);
        assertThat(templates.body().path("templates").findValuesAsText("id")).contains("sample-promo");
        GatewayClient.Answer thumbnail = client.get("/v1/templates/sample-promo/thumbnail", null);
        assertThat(thumbnail.status()).isEqualTo(200);
        assertThat(thumbnail.contentType()).isEqualTo("image/jpeg");
        java.awt.image.BufferedImage still = javax.imageio.ImageIO.read(
                new java.io.ByteArrayInputStream(thumbnail.response().body()));
        assertThat(still.getHeight()).isEqualTo(360);
        assertThat(still.getWidth()).isEqualTo(640);
        GatewayClient.Answer preview = client.post(
                "/v1/snapshots",
                token,
                "{\"template\": \"sample-promo\", \"aspect\": \"1:1\", \"frame\": 150, \"bindings\": {\"accent\": \"#00aa55\"}}");
        assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
        java.awt.image.BufferedImage square = javax.imageio.ImageIO.read(
                new java.io.ByteArrayInputStream(preview.response().body()));
        assertThat(square.getWidth()).isEqualTo(square.getHeight());

        credit(session, 1_000_000);
        GatewayClient.Answer quote =
                client.post("/v1/quote", token, "{\"template\": \"sample-promo\", \"tier\": \"360p\"}");
        assertThat(quote.status()).as(quote.toString()).isEqualTo(200);
        // The sample is 300 frames at 30 fps: 10 s at 360p's factor 1, at the free plan's 10,000 Rial a second.
        assertThat(quote.body().path("charge_seconds").asInt()).isEqualTo(10);
        long charge = quote.body().path("charge_rial").asLong();
        assertThat(charge).isEqualTo(100_000);

        GatewayClient.Answer created =
                client.post("/v1/renders", token, renderBody("360p", "{\"title_en\": \"Gateway\"}"), "order-1");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.body().path("id").asText();
        assertThat(created.header("Location")).isEqualTo("/v1/renders/" + id);
        assertThat(created.body().path("charge_rial").asLong()).isEqualTo(charge);
        assertThat(wallet(token).path("held_rial").asLong()).isEqualTo(charge);

        List<String[]> events = client.events("/v1/renders/" + id + "/events", token);
        assertThat(events).isNotEmpty();
        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("end");
        assertThat(JSON.readTree(last[1]).path("state").asText()).isEqualTo("succeeded");
        assertThat(events.stream().filter(e -> e[0].equals("progress")))
                .anySatisfy(e -> assertThat(e[1]).contains("\"frames_done\":300"));

        JsonNode render = settled(token, id);
        assertThat(render.path("state").asText()).isEqualTo("succeeded");
        Path video = client.download("/v1/renders/" + id + "/download", token, directory.resolve("sara.mp4"));
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo.VideoStream stream = frames.probe(video).video().orElseThrow();
            assertThat(stream.frameCount()).isEqualTo(300);
            assertThat(stream.height()).isEqualTo(360);
        }
        GatewayClient.Answer range = client.send(client.request("/v1/renders/" + id + "/download", token)
                .header("Range", "bytes=10-19")
                .GET()
                .build());
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.header("Content-Range")).startsWith("bytes 10-19/");
        assertThat(range.response().body())
                .containsExactly(java.util.Arrays.copyOfRange(java.nio.file.Files.readAllBytes(video), 10, 20));

        assertThat(ledger(token)).containsExactly("credit 1000000", "hold " + charge, "capture " + charge);
        JsonNode wallet = wallet(token);
        assertThat(wallet.path("available_rial").asLong()).isEqualTo(1_000_000 - charge);
        assertThat(wallet.path("held_rial").asLong()).isZero();
        assertThat(wallet.path("used_seconds_this_month").asLong()).isEqualTo(10);
        assertThat(rows("usage_records", session.path("tenant_id").asText())).isEqualTo(1);
        JsonNode usage = client.get("/v1/usage", token).body().path("days");
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).path("seconds").asLong()).isEqualTo(10);
        assertThat(usage.get(0).path("amount_rial").asLong()).isEqualTo(charge);

        // The same Idempotency-Key again: the same render, no second charge.
        GatewayClient.Answer again =
                client.post("/v1/renders", token, renderBody("360p", "{\"title_en\": \"Gateway\"}"), "order-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body().path("id").asText()).isEqualTo(id);
        GatewayClient.Answer otherBody =
                client.post("/v1/renders", token, renderBody("360p", "{\"title_en\": \"Other\"}"), "order-1");
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.body().path("type").asText()).endsWith("/idempotency-key-reused");
        assertThat(rows("renders", session.path("tenant_id").asText())).isEqualTo(1);
        assertThat(ledger(token)).hasSize(3);
    }

    @Test
    void aCancelledRenderReleasesItsHold() {
        JsonNode session = signUp("Reza");
        String token = session.path("access_token").asText();
        credit(session, 1_000_000);
        GatewayClient.Answer created = client.post("/v1/renders", token, renderBody("1080p", "{}"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.body().path("id").asText();
        long charge = created.body().path("charge_rial").asLong();
        GatewayClient.Answer cancelled = client.post("/v1/renders/" + id + "/cancel", token, "");
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(202);

        JsonNode render = settled(token, id);
        assertThat(render.path("state").asText()).isEqualTo("cancelled");
        assertThat(ledger(token)).containsExactly("credit 1000000", "hold " + charge, "release " + charge);
        assertThat(wallet(token).path("available_rial").asLong()).isEqualTo(1_000_000);
        assertThat(rows("usage_records", session.path("tenant_id").asText())).isZero();
    }

    @Test
    void oneTenantCannotSeeOrTouchAnothersRendersOrWallet() {
        JsonNode owner = signUp("Owner");
        String ownerToken = owner.path("access_token").asText();
        credit(owner, 1_000_000);
        GatewayClient.Answer created = client.post("/v1/renders", ownerToken, renderBody("360p", "{}"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.body().path("id").asText();

        String intruder = signUp("Intruder").path("access_token").asText();
        for (String path : List.of("/v1/renders/" + id, "/v1/renders/" + id + "/download")) {
            GatewayClient.Answer answer = client.get(path, intruder);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(client.send(client.request("/v1/renders/" + id + "/events", intruder)
                                .GET()
                                .build())
                        .status())
                .isEqualTo(404);
        assertThat(client.post("/v1/renders/" + id + "/cancel", intruder, "").status())
                .isEqualTo(404);
        assertThat(client.get("/v1/renders", intruder).body().path("renders")).isEmpty();
        assertThat(wallet(intruder).path("entries")).isEmpty();
        // Only farm administrators credit wallets, their own tenant's included.
        GatewayClient.Answer selfCredit = client.post(
                "/v1/admin/tenants/" + owner.path("tenant_id").asText() + "/credits",
                intruder,
                "{\"amount_rial\": 5, \"reason\": \"free money\"}");
        assertThat(selfCredit.status()).isEqualTo(403);
        settled(ownerToken, id);
    }

    @Test
    void badInputGetsTheRightProblemAndLeavesNoRowBehind() {
        JsonNode session = signUp("Careful");
        String token = session.path("access_token").asText();
        String tenant = session.path("tenant_id").asText();

        GatewayClient.Answer malformed = client.post("/v1/renders", token, "{\"template\": ");
        assertProblem(malformed, 400, "malformed-request");

        GatewayClient.Answer unknown = client.post(
                "/v1/renders", token, "{\"template\": \"no-such\", \"aspect\": \"16:9\", \"tier\": \"360p\"}");
        assertProblem(unknown, 422, "validation");
        assertThat(unknown.body().path("errors").findValuesAsText("field")).containsExactly("template");

        GatewayClient.Answer oversize = client.post(
                "/v1/renders", token, renderBody("360p", "{\"title_en\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}"));
        assertProblem(oversize, 413, "body-too-large");

        assertProblem(client.post("/v1/renders", null, renderBody("360p", "{}")), 401, "unauthorized");
        String forged =
                token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertProblem(client.post("/v1/renders", forged, renderBody("360p", "{}")), 401, "unauthorized");
        String expired = new AccessTokens(keys, Duration.ofMinutes(-5), Clock.systemUTC())
                .issue(
                        UUID.fromString(session.path("user_id").asText()),
                        UUID.fromString(tenant),
                        Principal.Role.OWNER,
                        false);
        GatewayClient.Answer expiredAnswer = client.post("/v1/renders", expired, renderBody("360p", "{}"));
        assertProblem(expiredAnswer, 401, "unauthorized");
        assertThat(expiredAnswer.body().path("detail").asText()).contains("expired");
        String otherKeys = new AccessTokens(AccessTokens.generateKeys(), Duration.ofMinutes(5), Clock.systemUTC())
                .issue(
                        UUID.fromString(session.path("user_id").asText()),
                        UUID.fromString(tenant),
                        Principal.Role.OWNER,
                        true);
        assertProblem(client.post("/v1/renders", otherKeys, renderBody("360p", "{}")), 401, "unauthorized");

        GatewayClient.Answer broke = client.post("/v1/renders", token, renderBody("360p", "{}"));
        assertProblem(broke, 402, "insufficient-balance");

        credit(session, 10_000_000);
        // Bindings are the farm's to check: with the money there, a bad one is refused before any charge.
        GatewayClient.Answer badBindings =
                client.post("/v1/renders", token, renderBody("360p", "{\"accent\": \"red\"}"));
        assertProblem(badBindings, 422, "validation");
        assertThat(badBindings.body().path("errors").findValuesAsText("field")).containsExactly("bindings.accent");

        assertThat(client.post("/v1/admin/tenants/" + tenant + "/quota", adminToken, "{\"monthly_quota_seconds\": 15}")
                        .status())
                .isEqualTo(200);
        // 10 s at 1080p is 20 render seconds: over the quota of 15.
        GatewayClient.Answer overQuota = client.post("/v1/renders", token, renderBody("1080p", "{}"));
        assertProblem(overQuota, 403, "quota-exhausted");

        assertThat(rows("renders", tenant)).isZero();
        assertThat(ledger(token)).containsExactly("credit 10000000");

        GatewayClient.Answer wrongPassword = client.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", session.path("email").asText())
                        .put("password", "not the password")
                        .toString());
        assertProblem(wrongPassword, 401, "unauthorized");
        assertProblem(client.get("/v1/no-such-route", token), 404, "not-found");
    }

    private static void assertProblem(GatewayClient.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("type").asText()).isEqualTo("https://flatrender.ir/problems/" + type);
        assertThat(answer.body().path("status").asInt()).isEqualTo(status);
        assertThat(answer.body().path("request_id").asText()).isEqualTo(answer.header("X-Request-Id"));
    }

    @Test
    void aRefreshTokenRotatesAndOneUsedTwiceEndsTheSession() {
        JsonNode session = signUp("Rotating");
        String first = session.path("refresh_token").asText();
        GatewayClient.Answer rotated = client.post("/v1/auth/refresh", null, "{\"refresh_token\": \"" + first + "\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String second = rotated.body().path("refresh_token").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(client.get("/v1/me", rotated.body().path("access_token").asText())
                        .status())
                .isEqualTo(200);

        // The first again before its answer was used: that answer was lost (a reload mid-refresh);
        // the repeat gets a new token and the lost one is used up.
        GatewayClient.Answer repeated = client.post("/v1/auth/refresh", null, "{\"refresh_token\": \"" + first + "\"}");
        assertThat(repeated.status()).as(repeated.toString()).isEqualTo(200);
        String third = repeated.body().path("refresh_token").asText();
        assertThat(third).isNotIn(first, second);
        GatewayClient.Answer next = client.post("/v1/auth/refresh", null, "{\"refresh_token\": \"" + third + "\"}");
        assertThat(next.status()).as(next.toString()).isEqualTo(200);

        // The first token again once its answer is in use: stolen. The whole family goes.
        GatewayClient.Answer reused = client.post("/v1/auth/refresh", null, "{\"refresh_token\": \"" + first + "\"}");
        assertProblem(reused, 401, "unauthorized");
        assertThat(reused.body().path("detail").asText()).contains("used twice");
        assertProblem(
                client.post(
                        "/v1/auth/refresh",
                        null,
                        "{\"refresh_token\": \""
                                + next.body().path("refresh_token").asText() + "\"}"),
                401,
                "unauthorized");

        // Logging out ends a session's refresh tokens.
        JsonNode other = login(session.path("email").asText(), "a long password");
        String refresh = other.path("refresh_token").asText();
        assertThat(client.post("/v1/auth/logout", null, "{\"refresh_token\": \"" + refresh + "\"}")
                        .status())
                .isEqualTo(204);
        assertProblem(
                client.post("/v1/auth/refresh", null, "{\"refresh_token\": \"" + refresh + "\"}"), 401, "unauthorized");
        // What happened is in the tenant's audit log.
        List<String> audit = postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT action FROM identity.audit_log WHERE tenant_id = :t ORDER BY id")
                        .bind("t", UUID.fromString(session.path("tenant_id").asText()))
                        .mapTo(String.class)
                        .list());
        assertThat(audit).startsWith("user.signed_up").contains("session.revoked", "user.logged_in");
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountForAWhile() {
        JsonNode session = signUp("Locked");
        String wrong = JSON.createObjectNode()
                .put("email", session.path("email").asText())
                .put("password", "wrong wrong wrong")
                .toString();
        for (int i = 0; i < 5; i++) {
            assertThat(client.post("/v1/auth/login", null, wrong).status()).isEqualTo(401);
        }
        GatewayClient.Answer locked = client.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", session.path("email").asText())
                        .put("password", "a long password")
                        .toString());
        assertProblem(locked, 429, "rate-limited");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 900L);
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndNoOther() {
        GatewayClient.Answer document = client.get("/openapi.json", null);
        assertThat(document.status()).isEqualTo(200);
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths =
                document.body().path("paths").properties().iterator();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            // This gateway runs no payment broker: PaymentIT checks those parts' routes.
            path.getValue().properties().forEach(operation -> {
                if (!operation.getKey().equals("parameters")
                        && !operation.getValue().path("tags").toString().matches(".*\"(payments|checkouts)\".*")) {
                    documented.add(operation.getKey() + " " + path.getKey());
                }
            });
        }
        Set<String> served = new HashSet<>();
        for (RouteTable.Route route : gateway.routes()) {
            served.add(route.method() + " " + route.path());
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    }

    /** A tenant's webhook endpoint on loopback: answers 500 to the first {@code failures} requests, then 200. */
    private static final class Receiver implements AutoCloseable {
        record Delivery(Map<String, String> headers, String body, int answered) {}

        private final com.sun.net.httpserver.HttpServer server;
        private final java.util.concurrent.BlockingQueue<Delivery> received =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger failures;

        Receiver(int failures) throws java.io.IOException {
            this.failures = new java.util.concurrent.atomic.AtomicInteger(failures);
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks", exchange -> {
                String body =
                        new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                Map<String, String> headers = new java.util.HashMap<>();
                for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                    headers.put(name, exchange.getRequestHeaders().getFirst(name));
                }
                int status = this.failures.getAndDecrement() > 0 ? 500 : 200;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
                received.add(new Delivery(headers, body, status));
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
        }

        Delivery next() throws InterruptedException {
            Delivery delivery = received.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(delivery).as("a webhook delivery within 60 s").isNotNull();
            return delivery;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aSignedWebhookIsRetriedAfterA500AndSurvivesAGatewayRestart() throws Exception {
        JsonNode session = signUp("Hooked");
        String token = session.path("access_token").asText();
        credit(session, 1_000_000);
        try (Receiver receiver = new Receiver(2)) {
            GatewayClient.Answer created = client.post(
                    "/v1/webhooks",
                    token,
                    "{\"url\": \"" + receiver.url() + "\", \"events\": [\"render.succeeded\", \"render.failed\"]}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String webhookId = created.body().path("id").asText();
            String secret = created.body().path("secret").asText();
            assertThat(secret).startsWith("whsec_");
            assertThat(client.get("/v1/webhooks", token).body().toString()).doesNotContain(secret);

            GatewayClient.Answer render = client.post("/v1/renders", token, renderBody("360p", "{}"));
            assertThat(render.status()).as(render.toString()).isEqualTo(201);
            String renderId = render.body().path("id").asText();
            settled(token, renderId);

            Receiver.Delivery first = receiver.next();
            assertThat(first.answered()).isEqualTo(500);
            // The gateway goes down with the delivery still owed, and a new one takes over.
            gateway.close();
            gateway = Gateway.startMigrated(config(), gatewayDatabase, JSON);
            client = new GatewayClient(gateway.port());

            Receiver.Delivery delivery = receiver.next();
            while (delivery.answered() != 200) {
                delivery = receiver.next();
            }
            assertThat(delivery.headers().get("webhook-id"))
                    .isEqualTo(first.headers().get("webhook-id"));
            assertThat(ir.flatrender.gateway.webhooks.WebhookSignature.verify(
                            secret,
                            delivery.headers().get("webhook-id"),
                            delivery.headers().get("webhook-timestamp"),
                            delivery.headers().get("webhook-signature"),
                            delivery.body(),
                            System.currentTimeMillis() / 1000))
                    .isTrue();
            JsonNode payload = JSON.readTree(delivery.body());
            assertThat(payload.path("type").asText()).isEqualTo("render.succeeded");
            assertThat(payload.path("data").path("id").asText()).isEqualTo(renderId);

            JsonNode deliveries = client.get("/v1/webhooks/" + webhookId + "/deliveries", token)
                    .body();
            assertThat(deliveries.path("deliveries")).hasSize(1);
            JsonNode recorded = deliveries.path("deliveries").get(0);
            assertThat(recorded.path("id").asText())
                    .isEqualTo(delivery.headers().get("webhook-id"));
            assertThat(recorded.path("state").asText()).isEqualTo("delivered");
            assertThat(recorded.path("attempts").asInt()).isEqualTo(3);
            // Another tenant sees none of it.
            String other = signUp("Nosy").path("access_token").asText();
            assertThat(client.get("/v1/webhooks/" + webhookId + "/deliveries", other)
                            .status())
                    .isEqualTo(404);
            assertThat(client.get("/v1/webhooks", other).body().path("webhooks"))
                    .isEmpty();
        }
    }

    private static GatewayClient.Answer withKey(String path, String key) {
        return client.send(
                client.request(path, null).header("X-Api-Key", key).GET().build());
    }

    @Test
    void apiKeysHaveScopesRotateWithAGracePeriodAndStopWhenRevoked() {
        JsonNode session = signUp("Reseller");
        String token = session.path("access_token").asText();
        GatewayClient.Answer created = client.post(
                "/v1/api-keys", token, "{\"name\": \"shop\", \"scopes\": [\"renders:read\", \"renders:write\"]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.body().path("id").asText();
        String key = created.body().path("key").asText();
        assertThat(key).startsWith(created.body().path("prefix").asText() + "_");
        GatewayClient.Answer listed = client.get("/v1/api-keys", token);
        assertThat(listed.body().toString()).contains(id).doesNotContain(key);

        assertThat(withKey("/v1/renders", key).status()).isEqualTo(200);
        assertThat(client.get("/v1/renders", key).status())
                .as("as a Bearer token")
                .isEqualTo(200);
        assertProblem(withKey("/v1/wallet", key), 403, "forbidden");
        assertProblem(withKey("/v1/api-keys", key), 403, "forbidden");
        String forged = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertProblem(withKey("/v1/renders", forged), 401, "unauthorized");

        // Rotated with a day's grace: both work; rotated again with none: the old one stops.
        GatewayClient.Answer rotated = client.post("/v1/api-keys/" + id + "/rotate", token, "{\"grace_hours\": 24}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        String second = rotated.body().path("key").asText();
        assertThat(withKey("/v1/renders", key).status()).isEqualTo(200);
        assertThat(withKey("/v1/renders", second).status()).isEqualTo(200);
        GatewayClient.Answer again = client.post(
                "/v1/api-keys/" + rotated.body().path("id").asText() + "/rotate", token, "{\"grace_hours\": 0}");
        String third = again.body().path("key").asText();
        GatewayClient.Answer stale = withKey("/v1/renders", second);
        assertProblem(stale, 401, "unauthorized");
        assertThat(stale.body().path("detail").asText()).contains("rotated");
        assertThat(withKey("/v1/renders", third).status()).isEqualTo(200);

        String intruder = signUp("KeyThief").path("access_token").asText();
        assertProblem(
                client.post("/v1/api-keys/" + again.body().path("id").asText() + "/revoke", intruder, ""),
                404,
                "not-found");
        assertThat(client.post("/v1/api-keys/" + again.body().path("id").asText() + "/revoke", token, "")
                        .status())
                .isEqualTo(204);
        GatewayClient.Answer revoked = withKey("/v1/renders", third);
        assertProblem(revoked, 401, "unauthorized");
        assertThat(revoked.body().path("detail").asText()).contains("revoked");
    }

    @Test
    void onceTotpIsOnLoginNeedsACodeOrARecoveryCode() {
        JsonNode session = signUp("CarefulMfa");
        String token = session.path("access_token").asText();
        String email = session.path("email").asText();
        GatewayClient.Answer enrolled = client.post("/v1/auth/mfa/totp", token, "");
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        String secret = enrolled.body().path("secret").asText();
        assertThat(enrolled.body().path("otpauth_uri").asText()).startsWith("otpauth://totp/FlatRender:");

        long now = System.currentTimeMillis() / 1000;
        String wrong = ir.flatrender.gateway.identity.Totp.code(secret, now + 600);
        assertProblem(
                client.post("/v1/auth/mfa/totp/confirm", token, "{\"code\": \"" + wrong + "\"}"),
                401,
                "invalid-mfa-code");
        String code = ir.flatrender.gateway.identity.Totp.code(secret, now);
        GatewayClient.Answer confirmed =
                client.post("/v1/auth/mfa/totp/confirm", token, "{\"code\": \"" + code + "\"}");
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        JsonNode recovery = confirmed.body().path("recovery_codes");
        assertThat(recovery).hasSize(10);

        JsonNode challenge = login(email, "a long password");
        assertThat(challenge.path("mfa_required").asBoolean()).isTrue();
        assertThat(challenge.has("access_token")).isFalse();
        String mfaToken = challenge.path("mfa_token").asText();
        assertProblem(
                client.post(
                        "/v1/auth/mfa/verify",
                        null,
                        "{\"mfa_token\": \"" + mfaToken + "\", \"code\": \"" + wrong + "\"}"),
                401,
                "invalid-mfa-code");
        // The code already used to confirm is good no more.
        assertProblem(
                client.post(
                        "/v1/auth/mfa/verify",
                        null,
                        "{\"mfa_token\": \"" + mfaToken + "\", \"code\": \"" + code + "\"}"),
                401,
                "invalid-mfa-code");
        String next = ir.flatrender.gateway.identity.Totp.code(secret, now + 30);
        GatewayClient.Answer verified = client.post(
                "/v1/auth/mfa/verify", null, "{\"mfa_token\": \"" + mfaToken + "\", \"code\": \"" + next + "\"}");
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(client.get("/v1/me", verified.body().path("access_token").asText())
                        .status())
                .isEqualTo(200);
        // One challenge, one session.
        assertProblem(
                client.post(
                        "/v1/auth/mfa/verify",
                        null,
                        "{\"mfa_token\": \"" + mfaToken + "\", \"code\": \"" + next + "\"}"),
                401,
                "unauthorized");

        String recoveryCode = recovery.get(0).asText();
        String second = login(email, "a long password").path("mfa_token").asText();
        GatewayClient.Answer recovered = client.post(
                "/v1/auth/mfa/verify",
                null,
                "{\"mfa_token\": \"" + second + "\", \"recovery_code\": \"" + recoveryCode.toUpperCase() + "\"}");
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
        String third = login(email, "a long password").path("mfa_token").asText();
        assertProblem(
                client.post(
                        "/v1/auth/mfa/verify",
                        null,
                        "{\"mfa_token\": \"" + third + "\", \"recovery_code\": \"" + recoveryCode + "\"}"),
                401,
                "invalid-mfa-code");
    }

    private static String deniedQuery(ir.flatrender.migrations.Database database, String sql) {
        try {
            database.jdbi().useHandle(h -> h.createQuery(sql).mapToMap().list());
            return "allowed";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    @Test
    void eachServicesRoleReachesOnlyItsOwnSchemas() {
        // The gateway's role: identity, and nothing of the farm's own tables.
        assertThat(deniedQuery(gatewayDatabase, "SELECT count(*) FROM identity.renders"))
                .isEqualTo("allowed");
        assertThat(deniedQuery(gatewayDatabase, "SELECT count(*) FROM render.render_jobs"))
                .contains("permission denied");
        assertThat(deniedQuery(gatewayDatabase, "SELECT count(*) FROM content.templates"))
                .contains("permission denied");
        assertThat(deniedQuery(gatewayDatabase, "UPDATE identity.ledger_entries SET amount_rial = 1 RETURNING id"))
                .contains("permission denied");
        try (ir.flatrender.migrations.Database orchestratorRole =
                connectAs(ServiceRoles.ORCHESTRATOR, "orchestrator_test_login")) {
            assertThat(deniedQuery(orchestratorRole, "SELECT count(*) FROM render.render_jobs"))
                    .isEqualTo("allowed");
            assertThat(deniedQuery(orchestratorRole, "SELECT count(*) FROM content.templates"))
                    .isEqualTo("allowed");
            assertThat(deniedQuery(orchestratorRole, "SELECT count(*) FROM identity.users"))
                    .contains("permission denied");
            assertThat(deniedQuery(orchestratorRole, "SELECT count(*) FROM identity.ledger_entries"))
                    .contains("permission denied");
        }
    }

    @Test
    void aClientOverItsRateGets429WithRetryAfterAndEveryRequestIsLogged() {
        try (Gateway limited = Gateway.startMigrated(
                config().toBuilder().requestsPerMinutePerIp(5).build(), gatewayDatabase, JSON)) {
            GatewayClient limitedClient = new GatewayClient(limited.port());
            for (int i = 0; i < 5; i++) {
                assertThat(limitedClient.get("/v1/plans", null).status()).isEqualTo(200);
            }
            GatewayClient.Answer refused = limitedClient.get("/v1/plans", null);
            assertProblem(refused, 429, "rate-limited");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
            String requestId = refused.header("X-Request-Id");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String logged;
            do {
                logged = postgres.database()
                        .jdbi()
                        .withHandle(h -> h.createQuery(
                                        "SELECT method || ' ' || route || ' ' || status FROM identity.api_request_log"
                                                + " WHERE request_id = :id")
                                .bind("id", requestId)
                                .mapTo(String.class)
                                .findOne()
                                .orElse(null));
            } while (logged == null && System.nanoTime() < deadline);
            assertThat(logged).isEqualTo("GET /v1/plans 429");
        }
    }

    @Test
    void aResellerTenantIsInvoicedForTheMonthFromItsUsage() {
        JsonNode session = signUp("ResellerCo");
        String token = session.path("access_token").asText();
        String tenant = session.path("tenant_id").asText();
        credit(session, 1_000_000);
        assertThat(client.post("/v1/admin/tenants/" + tenant + "/kind", adminToken, "{\"kind\": \"reseller\"}")
                        .status())
                .isEqualTo(200);
        GatewayClient.Answer created = client.post("/v1/renders", token, renderBody("360p", "{}"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        settled(token, created.body().path("id").asText());

        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        GatewayClient.Answer run = client.post("/v1/admin/invoices/run", adminToken, "{\"month\": \"" + month + "\"}");
        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        assertThat(run.body().path("invoices_made").asInt()).isPositive();
        // Making the month again makes nothing new.
        assertThat(client.post("/v1/admin/invoices/run", adminToken, "{\"month\": \"" + month + "\"}")
                        .body()
                        .path("invoices_made")
                        .asInt())
                .isZero();
        JsonNode invoices = client.get("/v1/invoices", token).body().path("invoices");
        assertThat(invoices).hasSize(1);
        assertThat(invoices.get(0).path("period").asText()).isEqualTo(month);
        assertThat(invoices.get(0).path("renders").asInt()).isEqualTo(1);
        assertThat(invoices.get(0).path("amount_rial").asLong())
                .isEqualTo(created.body().path("charge_rial").asLong());
        assertProblem(client.post("/v1/admin/invoices/run", token, "{\"month\": \"" + month + "\"}"), 403, "forbidden");
    }

    @Test
    void membersActInATenantWithinTheirRoleAndAdminsSetItsBranding() {
        JsonNode owner = signUp("Studio");
        String ownerToken = owner.path("access_token").asText();
        String tenant = owner.path("tenant_id").asText();
        JsonNode guest = signUp("Guest");
        GatewayClient.Answer added = client.post(
                "/v1/members",
                ownerToken,
                "{\"email\": \"" + guest.path("email").asText() + "\", \"role\": \"viewer\"}");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(client.get("/v1/members", ownerToken).body().path("members").findValuesAsText("role"))
                .containsExactly("owner", "viewer");

        GatewayClient.Answer asViewer = client.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", guest.path("email").asText())
                        .put("password", "a long password")
                        .put("tenant_id", tenant)
                        .toString());
        assertThat(asViewer.status()).as(asViewer.toString()).isEqualTo(200);
        assertThat(asViewer.body().path("tenant_id").asText()).isEqualTo(tenant);
        assertThat(asViewer.body().path("role").asText()).isEqualTo("viewer");
        String viewer = asViewer.body().path("access_token").asText();
        assertThat(client.get("/v1/renders", viewer).status()).isEqualTo(200);
        assertProblem(client.post("/v1/renders", viewer, renderBody("360p", "{}")), 403, "forbidden");
        assertProblem(
                client.post("/v1/members", viewer, "{\"email\": \"x@example.com\", \"role\": \"owner\"}"),
                403,
                "forbidden");
        assertProblem(
                client.send(
                        client.request("/v1/members/" + owner.path("user_id").asText(), ownerToken)
                                .DELETE()
                                .build()),
                409,
                "last-owner");

        GatewayClient.Answer branded = client.post(
                "/v1/tenant/branding", ownerToken, "{\"name\": \"Studio Nur\", \"primary_color\": \"#112233\"}");
        assertThat(branded.status()).as(branded.toString()).isEqualTo(200);
        assertThat(client.get("/v1/tenant", viewer)
                        .body()
                        .path("branding")
                        .path("primary_color")
                        .asText())
                .isEqualTo("#112233");
        GatewayClient.Answer badColor = client.post("/v1/tenant/branding", ownerToken, "{\"primary_color\": \"blue\"}");
        assertProblem(badColor, 422, "validation");
        assertThat(badColor.body().path("errors").findValuesAsText("field")).containsExactly("primary_color");
        assertProblem(client.post("/v1/tenant/branding", viewer, "{\"name\": \"Mine now\"}"), 403, "forbidden");
    }

    @Test
    void aWebhookWhoseDeliveryKeepsFailingIsDisabled() throws Exception {
        JsonNode session = signUp("Broken");
        String token = session.path("access_token").asText();
        credit(session, 1_000_000);
        try (Receiver receiver = new Receiver(Integer.MAX_VALUE)) {
            GatewayClient.Answer created = client.post(
                    "/v1/webhooks", token, "{\"url\": \"" + receiver.url() + "\", \"events\": [\"render.succeeded\"]}");
            String webhookId = created.body().path("id").asText();
            String renderId = client.post("/v1/renders", token, renderBody("360p", "{}"))
                    .body()
                    .path("id")
                    .asText();
            settled(token, renderId);
            // The first attempt and the schedule's five retries, each answered 500.
            for (int attempt = 0; attempt < 6; attempt++) {
                assertThat(receiver.next().answered()).isEqualTo(500);
            }
            JsonNode webhook;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                webhook = client.get("/v1/webhooks", token)
                        .body()
                        .path("webhooks")
                        .get(0);
            } while (webhook.path("enabled").asBoolean() && System.nanoTime() < deadline);
            assertThat(webhook.path("enabled").asBoolean()).isFalse();
            assertThat(webhook.path("disabled_reason").asText()).contains("answered 500");
            JsonNode delivery = client.get("/v1/webhooks/" + webhookId + "/deliveries", token)
                    .body()
                    .path("deliveries")
                    .get(0);
            assertThat(delivery.path("state").asText()).isEqualTo("failed");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(6);
            assertThat(delivery.path("last_status").asInt()).isEqualTo(500);
        }
    }

    @Test
    void aFailedRenderReleasesItsHoldAndTellsTheWebhook() throws Exception {
        JsonNode session = signUp("Unlucky");
        String token = session.path("access_token").asText();
        credit(session, 1_000_000);
        try (Receiver receiver = new Receiver(0)) {
            assertThat(client.post(
                                    "/v1/webhooks",
                                    token,
                                    "{\"url\": \"" + receiver.url() + "\", \"events\": [\"render.failed\"]}")
                            .status())
                    .isEqualTo(201);
            GatewayClient.Answer created = client.post(
                    "/v1/renders",
                    token,
                    "{\"template\": \"ae-card\", \"aspect\": \"16:9\", \"tier\": \"360p\", \"bindings\": {\"mode\": \"crash\"}}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.body().path("id").asText();
            long charge = created.body().path("charge_rial").asLong();
            assertThat(charge).isPositive();

            JsonNode render = settled(token, id);
            assertThat(render.path("state").asText()).isEqualTo("failed");
            assertThat(render.path("error").asText()).isNotEmpty();
            assertThat(ledger(token)).containsExactly("credit 1000000", "hold " + charge, "release " + charge);
            assertThat(wallet(token).path("available_rial").asLong()).isEqualTo(1_000_000);
            assertThat(rows("usage_records", session.path("tenant_id").asText()))
                    .isZero();

            Receiver.Delivery delivery = receiver.next();
            JsonNode payload = JSON.readTree(delivery.body());
            assertThat(payload.path("type").asText()).isEqualTo("render.failed");
            assertThat(payload.path("data").path("id").asText()).isEqualTo(id);
            assertThat(payload.path("data").path("error").asText()).isNotEmpty();
        }
    }
}
