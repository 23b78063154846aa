package ir.flatrender.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.PasswordChecks;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.Totp;
import ir.flatrender.gateway.renders.EventStreams;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway over real HTTP against PostgreSQL and a hand-written orchestrator
 * ({@link TestingFarm}): what one tenant or one client cannot do to the others (issue 14).
 */
class GatewayIsolationIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestingFarm farm;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Gateway gateway;

    @BeforeAll
    static void startFarm() {
        farm = new TestingFarm();
    }

    @AfterAll
    static void stopFarm() throws Exception {
        farm.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Gateway start(GatewayLimits limits) {
        return start(limits, 600);
    }

    private Gateway start(GatewayLimits limits, int requestsPerMinutePerIp) {
        GatewayConfig config = GatewayConfig.builder(
                        farm.target(), "farm token", AccessTokens.generateKeys(), SecretBox.generateKey())
                .listen("127.0.0.1", 0)
                .requestsPerMinutePerIp(requestsPerMinutePerIp)
                .build();
        gateway = Gateway.startMigrated(config, limits, postgres.database(), Optional.empty(), Optional.empty(), JSON);
        closing.add(gateway);
        return gateway;
    }

    record Answer(int status, JsonNode body, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty()
                            || !response.headers()
                                    .firstValue("Content-Type")
                                    .orElse("")
                                    .contains("json")
                    ? JSON.nullNode()
                    : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    Answer post(String path, String token, String body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** A new user in a tenant of their own: their session (access token, tenant and user ids). */
    JsonNode signUp(String name) {
        String email = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Answer answer = post(
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

    /** A render of the tenant's, already submitted: a running job, or (when done) a finished one. */
    static UUID render(JsonNode session, boolean done) {
        String job = UUID.randomUUID().toString().replaceAll(".$", done ? "0" : "1");
        return postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                        INSERT INTO identity.renders (tenant_id, request_sha256, template_id, aspect, tier, bindings,
                            charge_seconds, charge_rial, job_id, state)
                        VALUES (:t, 'x', 'sample', '16:9', '720p', '{}', 0, 0, :job, 'rendering')
                        RETURNING id
                        """)
                        .bind("t", UUID.fromString(session.path("tenant_id").asText()))
                        .bind("job", UUID.fromString(job))
                        .mapTo(UUID.class)
                        .one());
    }

    /** An event stream opened: its status and, when 200, its lines as they come. */
    record Stream(int status, BufferedReader lines, InputStream body) implements AutoCloseable {
        /** The next event's name, reading past comments and data. */
        String nextEvent() throws IOException {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    return line.substring(7);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    CompletableFuture<Stream> openStream(String token, UUID render) {
        return http.sendAsync(
                        request("/v1/renders/" + render + "/events", token)
                                .timeout(Duration.ofMinutes(5))
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    Stream stream = new Stream(
                            response.statusCode(),
                            new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)),
                            response.body());
                    closing.add(stream);
                    return stream;
                });
    }

    /**
     * Threads parked (waiting, with or without a deadline) with a frame of {@code className} on
     * their stack: a thread serving a stream would wait there. A thread that is passing one
     * progress update on (running, or briefly blocked on the stream's monitor) is not counted.
     */
    private static long threadsWaitingIn(String className) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getState() == Thread.State.WAITING
                        || entry.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(entry -> java.util.Arrays.stream(entry.getValue())
                        .anyMatch(frame -> frame.getClassName().startsWith(className)))
                .count();
    }

    private static String dumpWaitingIn(String className) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (java.util.Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith(className))) {
                out.append(thread.getName())
                        .append(' ')
                        .append(thread.getState())
                        .append('\n');
                for (StackTraceElement f : stack) {
                    out.append("    ").append(f).append('\n');
                }
            }
        });
        return out.toString();
    }

    @Test
    @DisplayName("issue 14 case 7: 300 open progress streams hold no thread each, and /healthz answers at once")
    void threeHundredOpenStreamsNeitherHoldAThreadEachNorSlowHealthz() throws Exception {
        start(GatewayLimits.DEFAULT.withStreams(
                new EventStreams.Limits(1000, 1000, Duration.ofMinutes(10), Duration.ofSeconds(15))));
        JsonNode sara = signUp("Sara");
        UUID render = render(sara, false);

        List<CompletableFuture<Stream>> opening = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            opening.add(openStream(sara.path("access_token").asText(), render));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (CompletableFuture<Stream> open : opening) {
            assertThat(open.get().status()).isEqualTo(200);
        }
        // Every stream has had its progress event: the farm's updates are all passed on, so no
        // thread is still writing one when the threads are looked at below.
        for (CompletableFuture<Stream> open : opening) {
            assertThat(open.get().nextEvent()).isEqualTo("progress");
        }

        long started = System.nanoTime();
        Answer health = get("/healthz", null);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(health.status()).isEqualTo(200);
        assertThat(tookMillis).isLessThan(2_000);
        // No thread of the gateway's is serving (waiting in) a stream.
        assertThat(threadsWaitingIn("ir.flatrender.gateway.renders.RenderRoutes"))
                .as(dumpWaitingIn("ir.flatrender.gateway.renders.RenderRoutes"))
                .isZero();
    }

    @Test
    @DisplayName(
            "issue 14 case 7: event streams are capped per tenant and per address, and a closed one frees its place")
    void streamsAreCappedPerTenantAndPerAddress() throws Exception {
        start(GatewayLimits.DEFAULT.withStreams(
                new EventStreams.Limits(2, 3, Duration.ofMinutes(10), Duration.ofMillis(200))));
        JsonNode sara = signUp("Sara");
        JsonNode omid = signUp("Omid");
        UUID saras = render(sara, false);
        UUID omids = render(omid, false);
        String saraToken = sara.path("access_token").asText();

        Stream first = openStream(saraToken, saras).get(30, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(200);
        assertThat(openStream(saraToken, saras).get(30, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        Answer third = get("/v1/renders/" + saras + "/events", saraToken);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body().path("detail").asText()).contains("this tenant has 2 event streams open");
        assertThat(third.header("Retry-After")).isNotNull();

        String omidToken = omid.path("access_token").asText();
        assertThat(openStream(omidToken, omids).get(30, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        Answer fourth = get("/v1/renders/" + omids + "/events", omidToken);
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.body().path("detail").asText()).contains("this address has 3 event streams open");

        // Sara closes one; the gateway finds it gone at the next keep-alive and frees the place.
        first.close();
        int status = 429;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (status == 429 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = openStream(saraToken, saras).get(30, TimeUnit.SECONDS).status();
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    @DisplayName("issue 14 case 7: an event stream ends by itself at its maximum life")
    void aStreamEndsAtItsMaximumLife() throws Exception {
        start(GatewayLimits.DEFAULT.withStreams(
                new EventStreams.Limits(5, 5, Duration.ofSeconds(2), Duration.ofSeconds(15))));
        JsonNode sara = signUp("Sara");
        UUID render = render(sara, false);
        long opened = System.nanoTime();

        Stream stream = openStream(sara.path("access_token").asText(), render).get(30, TimeUnit.SECONDS);

        List<String> events = new ArrayList<>();
        for (String event = stream.nextEvent(); event != null; event = stream.nextEvent()) {
            events.add(event); // to the end: the gateway ends the response
        }
        assertThat(events).last().isEqualTo("expired");
        assertThat(System.nanoTime() - opened)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    @DisplayName("issue 14 case 8: concurrent password checks are bounded; past the bound 503 with Retry-After")
    void passwordChecksPastTheBoundAnswer503WithRetryAfter() throws Exception {
        start(GatewayLimits.DEFAULT.withPasswords(new PasswordChecks.Limits(1, Duration.ZERO)));
        JsonNode sara = signUp("Sara");
        String login = JSON.createObjectNode()
                .put("email", sara.path("email").asText())
                .put("password", "a long password")
                .toString();

        List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            logins.add(http.sendAsync(
                    request("/v1/auth/login", null)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(login))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        List<String> retryAfters = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : logins) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            statuses.add(response.statusCode());
            if (response.statusCode() == 503) {
                retryAfters.add(response.headers().firstValue("Retry-After").orElse(null));
                assertThat(response.body()).contains("too many sign-ins at once");
            }
        }

        assertThat(statuses).containsOnly(200, 503).contains(200, 503);
        assertThat(retryAfters).doesNotContainNull();
    }

    @Test
    void passwordChecksDefaultToFourAtOnceWaitingTwoSeconds() {
        assertThat(PasswordChecks.Limits.DEFAULT).isEqualTo(new PasswordChecks.Limits(4, Duration.ofSeconds(2)));
    }

    private String loginTo(JsonNode session, JsonNode tenant) {
        Answer answer = post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", session.path("email").asText())
                        .put("password", "a long password")
                        .put("tenant_id", tenant.path("tenant_id").asText())
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body().path("access_token").asText();
    }

    private Answer setMember(String token, JsonNode who, String role) {
        return post(
                "/v1/members",
                token,
                JSON.createObjectNode()
                        .put("email", who.path("email").asText())
                        .put("role", role)
                        .toString());
    }

    private String roleOf(String token, JsonNode who) {
        for (JsonNode member : get("/v1/members", token).body().path("members")) {
            if (member.path("user_id").asText().equals(who.path("user_id").asText())) {
                return member.path("role").asText();
            }
        }
        return null;
    }

    @Test
    @DisplayName(
            "issue 14 case 9: an admin cannot demote the owner nor touch roles at or above their own; the last owner stays")
    void adminsChangeOnlyRolesBelowTheirOwnAndTheLastOwnerStays() {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara"); // the owner
        JsonNode omid = signUp("Omid");
        JsonNode nima = signUp("Nima");
        String saraToken = sara.path("access_token").asText();
        assertThat(setMember(saraToken, omid, "admin").status()).isEqualTo(201);
        String omidToken = loginTo(omid, sara);

        Answer demote = setMember(omidToken, sara, "viewer");
        assertThat(demote.status()).as(demote.toString()).isEqualTo(403);
        assertThat(roleOf(saraToken, sara)).isEqualTo("owner");
        assertThat(setMember(omidToken, nima, "admin").status()).isEqualTo(403);
        assertThat(setMember(omidToken, nima, "editor").status()).isEqualTo(201);
        assertThat(setMember(saraToken, omid, "admin").status()).isEqualTo(201);
        Answer removeOwner = send(request("/v1/members/" + sara.path("user_id").asText(), omidToken)
                .DELETE()
                .build());
        assertThat(removeOwner.status()).isEqualTo(403);

        Answer lastOwner = setMember(saraToken, sara, "admin");
        assertThat(lastOwner.status()).as(lastOwner.toString()).isEqualTo(409);
        assertThat(lastOwner.body().path("type").asText()).endsWith("/last-owner");
        assertThat(roleOf(saraToken, sara)).isEqualTo("owner");
    }

    private String loginBody(JsonNode session, String password) {
        return JSON.createObjectNode()
                .put("email", session.path("email").asText())
                .put("password", password)
                .toString();
    }

    @Test
    @DisplayName("issue 14 case 10: of 12 concurrent wrong passwords only 5 are checked; the rest meet the lockout")
    void concurrentWrongPasswordsMeetAnAtomicLockout() throws Exception {
        start(GatewayLimits.DEFAULT.withPasswords(new PasswordChecks.Limits(12, Duration.ofSeconds(60))));
        JsonNode sara = signUp("Sara");
        String wrong = loginBody(sara, "not her password");

        List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            logins.add(http.sendAsync(
                    request("/v1/auth/login", null)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(wrong))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : logins) {
            statuses.add(answer.get(60, TimeUnit.SECONDS).statusCode());
        }

        assertThat(statuses).filteredOn(s -> s == 401).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(7);
        assertThat(post("/v1/auth/login", null, loginBody(sara, "a long password"))
                        .status())
                .isEqualTo(429);
        int failed = postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT failed_logins FROM identity.users WHERE id = :id")
                        .bind("id", UUID.fromString(sara.path("user_id").asText()))
                        .mapTo(Integer.class)
                        .one());
        assertThat(failed).isEqualTo(5);
    }

    @Test
    @DisplayName("issue 14 case 10: wrong TOTP codes are counted per user across fresh logins")
    void wrongTotpCodesAreCountedPerUserAcrossLogins() {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara");
        Answer enrolled = post("/v1/auth/mfa/totp", sara.path("access_token").asText(), "{}");
        assertThat(enrolled.status()).as(enrolled.toString()).isIn(200, 201);
        String secret = enrolled.body().path("secret").asText();
        Answer confirmed = post(
                "/v1/auth/mfa/totp/confirm",
                sara.path("access_token").asText(),
                JSON.createObjectNode()
                        .put("code", Totp.code(secret, System.currentTimeMillis() / 1000))
                        .toString());
        assertThat(confirmed.status()).as(confirmed.toString()).isIn(200, 201);

        List<Integer> statuses = new ArrayList<>();
        String token = null;
        for (int login = 0; login < 3; login++) {
            // A right password each time: a fresh challenge, but not fresh tries.
            Answer challenged = post("/v1/auth/login", null, loginBody(sara, "a long password"));
            assertThat(challenged.status()).as(challenged.toString()).isEqualTo(200);
            token = challenged.body().path("mfa_token").asText();
            for (int i = 0; i < 2; i++) {
                statuses.add(post(
                                "/v1/auth/mfa/verify",
                                null,
                                JSON.createObjectNode()
                                        .put("mfa_token", token)
                                        .put("code", wrongCode(secret))
                                        .toString())
                        .status());
            }
        }
        Answer right = post(
                "/v1/auth/mfa/verify",
                null,
                JSON.createObjectNode()
                        .put("mfa_token", token)
                        .put("code", Totp.code(secret, System.currentTimeMillis() / 1000))
                        .toString());

        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429);
        assertThat(right.status()).isEqualTo(429);
    }

    /** A six-digit code that is none of the codes the gateway would take now. */
    private static String wrongCode(String secret) {
        long now = System.currentTimeMillis() / 1000;
        java.util.Set<String> near = new java.util.HashSet<>();
        for (long t = now - 90; t <= now + 90; t += 30) {
            near.add(Totp.code(secret, t));
        }
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    private static List<String> fields(Answer answer) {
        List<String> fields = new ArrayList<>();
        answer.body().path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    @Test
    @DisplayName(
            "issue 14 case 11: NUL in a binding or a sign-up name, a huge Range, 40,000 binding keys: 4xx, never 500")
    void badInputGetsA4xxNamingTheField() {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara");
        String token = sara.path("access_token").asText();
        int submittedBefore = farm.submitted.size();

        Answer nulBinding = post(
                "/v1/renders",
                token,
                "{\"template\": \"sample\", \"aspect\": \"16:9\", \"tier\": \"720p\","
                        + " \"bindings\": {\"title\": \"a\\u0000b\"}}");
        assertThat(nulBinding.status()).as(nulBinding.toString()).isEqualTo(422);
        assertThat(fields(nulBinding)).containsExactly("bindings.title");

        Answer nulName = post(
                "/v1/auth/signup",
                null,
                "{\"email\": \"nul@example.com\", \"password\": \"a long password\", \"name\": \"N\\u0000\"}");
        assertThat(nulName.status()).as(nulName.toString()).isEqualTo(422);
        assertThat(fields(nulName)).containsExactly("name");

        StringBuilder many = new StringBuilder(
                "{\"template\": \"sample\", \"aspect\": \"16:9\", \"tier\": \"720p\"," + " \"bindings\": {");
        for (int i = 0; i < 40_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": 1");
        }
        Answer manyKeys = post("/v1/renders", token, many.append("}}").toString());
        assertThat(manyKeys.status()).as(manyKeys.toString()).isEqualTo(422);
        assertThat(fields(manyKeys)).containsExactly("bindings");
        assertThat(manyKeys.body().path("detail").asText()).contains("at most 500");
        assertThat(farm.submitted).hasSize(submittedBefore); // none of them reached the farm

        UUID done = render(sara, true);
        Answer range = send(request("/v1/renders/" + done + "/download", token)
                .header("Range", "bytes=99999999999999999999-")
                .GET()
                .build());
        assertThat(range.status()).as(range.toString()).isEqualTo(416);
        assertThat(range.header("Content-Range")).isEqualTo("bytes */1000");
    }

    private int healthFrom(String forwardedFor) {
        return send(request("/healthz", null)
                        .header("X-Forwarded-For", forwardedFor)
                        .GET()
                        .build())
                .status();
    }

    @Test
    @DisplayName("issue 23: /link answers a presigned URL of the farm's object store for the caller's own finished"
            + " render (asked in the caller's tenant), 409 when the farm has no store or the video is not ready,"
            + " 404 for another tenant's render")
    void aDirectLinkToTheStore() {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara");
        String token = sara.path("access_token").asText();
        UUID done = render(sara, true);
        try {
            farm.presigns = false;
            Answer noStore = get("/v1/renders/" + done + "/link", token);
            assertThat(noStore.status()).as(noStore.toString()).isEqualTo(409);
            assertThat(noStore.body().path("type").asText()).endsWith("no-direct-link");
            assertThat(noStore.body().path("detail").asText()).contains("/v1/renders/" + done + "/download");

            farm.presigns = true;
            Answer link = get("/v1/renders/" + done + "/link", token);
            assertThat(link.status()).as(link.toString()).isEqualTo(200);
            assertThat(link.body().path("url").asText()).startsWith("https://store.example/farm/exports/");
            assertThat(link.body().path("expires_at").asText()).isEqualTo("2030-03-17T17:46:40Z");
            assertThat(link.header("Cache-Control")).isEqualTo("no-store");
            assertThat(farm.presigned).last().satisfies(request -> {
                assertThat(request.getTenantId())
                        .isEqualTo(sara.path("tenant_id").asText());
                assertThat(request.getFileName()).isEqualTo(done + ".mp4");
            });

            Answer notReady = get("/v1/renders/" + render(sara, false) + "/link", token);
            assertThat(notReady.status()).as(notReady.toString()).isEqualTo(409);
            assertThat(notReady.body().path("type").asText()).endsWith("not-ready");

            String other = signUp("Reza").path("access_token").asText();
            Answer foreign = get("/v1/renders/" + done + "/link", other);
            assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
        } finally {
            farm.presigns = false;
        }
    }

    @Test
    @DisplayName("issue 14 case 16: behind a trusted proxy each client has its own rate-limit bucket")
    void behindATrustedProxyEachClientHasItsOwnBucket() {
        start(GatewayLimits.DEFAULT.withTrustedProxies(List.of("127.0.0.0/8")), 3);

        List<Integer> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(healthFrom("203.0.113.5, 127.0.0.1"));
        }
        assertThat(first).containsExactly(200, 200, 200, 429);
        // Another client behind the same proxy: a bucket of its own.
        assertThat(healthFrom("203.0.113.6")).isEqualTo(200);
    }

    @Test
    @DisplayName("issue 14 case 16: a forwarded-for header from an untrusted peer is ignored")
    void aForwardedForFromAnUntrustedPeerIsIgnored() {
        start(GatewayLimits.DEFAULT, 3);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // A client inventing a new address each time still has one bucket: its own.
            statuses.add(healthFrom("198.51.100." + i));
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429);
    }

    @Test
    @DisplayName("issue 14 case 6: a tenant has at most 10 webhooks")
    void aTenantHasAtMostTenWebhooks() {
        start(GatewayLimits.DEFAULT);
        String token = signUp("Sara").path("access_token").asText();
        String webhook = "{\"url\": \"https://93.184.215.14/hook\", \"events\": [\"render.succeeded\"]}";

        for (int i = 0; i < 10; i++) {
            assertThat(post("/v1/webhooks", token, webhook).status()).isEqualTo(201);
        }
        Answer eleventh = post("/v1/webhooks", token, webhook);

        assertThat(eleventh.status()).as(eleventh.toString()).isEqualTo(409);
        assertThat(eleventh.body().path("detail").asText()).contains("at most 10 webhooks");
    }

    /** Sends a request's head (no body) over a plain socket and reads the answer's status. */
    int statusOfHeadOnly(String head) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).as("the answer's status line").startsWith("HTTP/1.1 ");
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    Answer upload(String token, String contentType, byte[] body, String query) {
        return send(request("/v1/uploads" + query, token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    @Test
    @DisplayName("issue 18 case 5: a logo uploaded over HTTP is judged by content, kept per tenant, and bound into a"
            + " render as its bytes")
    void anUploadedLogoIsCheckedKeptPerTenantAndBoundIntoARender() throws Exception {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara");
        String token = sara.path("access_token").asText();
        String other = signUp("Omid").path("access_token").asText();
        byte[] png = ir.flatrender.gateway.uploads.UploadsTest.png(300, 100);

        // Named .jpg and sent as JPEG, it is a PNG: its content decides. The name is a name, not a path.
        Answer created = upload(token, "image/jpeg", png, "?filename=..%2F..%2Fetc%2Flogo.jpg");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode logo = created.body();
        assertThat(logo.path("content_type").asText()).isEqualTo("image/png");
        assertThat(logo.path("width").asInt()).isEqualTo(300);
        assertThat(logo.path("height").asInt()).isEqualTo(100);
        assertThat(logo.path("filename").asText()).isEqualTo("logo.jpg");
        String id = logo.path("id").asText();
        assertThat(created.header("Location")).isEqualTo("/v1/uploads/" + id);
        assertThat(logo.path("binding").asText()).isEqualTo("upload:" + id);
        assertThat(upload(token, "image/png", png, "").status()).isEqualTo(200); // the same file: the same upload

        HttpResponse<byte[]> content = http.send(
                request("/v1/uploads/" + id + "/content", token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(png);
        assertThat(content.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        String etag = content.headers().firstValue("ETag").orElseThrow();
        assertThat(send(request("/v1/uploads/" + id + "/content", token)
                                .header("If-None-Match", etag)
                                .GET()
                                .build())
                        .status())
                .isEqualTo(304);

        // Another tenant: no such upload, whatever it asks.
        assertThat(get("/v1/uploads/" + id, other).status()).isEqualTo(404);
        assertThat(get("/v1/uploads/" + id + "/content", other).status()).isEqualTo(404);
        assertThat(send(request("/v1/uploads/" + id, other).DELETE().build()).status())
                .isEqualTo(404);
        assertThat(get("/v1/uploads", other).body().path("uploads")).isEmpty();
        assertThat(get("/v1/uploads", token).body().path("uploads")).hasSize(1);

        // Bound into a render: the farm gets the bytes, the render keeps the upload's name.
        postgres.database()
                .jdbi()
                .useHandle(h -> new ir.flatrender.gateway.billing.Wallet(
                                postgres.database().jdbi(), JSON)
                        .credit(h, UUID.fromString(sara.path("tenant_id").asText()), 10_000_000, "test"));
        Answer render = post(
                "/v1/renders",
                token,
                "{\"template\": \"sample\", \"aspect\": \"16:9\", \"tier\": \"720p\", \"bindings\": {\"logo\": \"upload:"
                        + id + "\"}}");
        assertThat(render.status()).as(render.toString()).isEqualTo(201);
        assertThat(render.body().path("bindings").path("logo").asText()).isEqualTo("upload:" + id);
        // The farm's warnings about the job (an upscale) reach the customer with the render.
        Answer shown = get("/v1/renders/" + render.body().path("id").asText(), token);
        assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
        assertThat(shown.body().path("warnings").path(0).asText()).startsWith("tier 2160p upscales");
        com.google.protobuf.Value sent =
                farm.submitted.get(farm.submitted.size() - 1).getBindings().getFieldsOrThrow("logo");
        assertThat(sent.getStringValue())
                .isEqualTo(
                        "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png));
        // Omid cannot bind Sara's logo.
        Answer stolen = post(
                "/v1/renders",
                other,
                "{\"template\": \"sample\", \"aspect\": \"16:9\", \"tier\": \"720p\", \"bindings\": {\"logo\": \"upload:"
                        + id + "\"}}");
        assertThat(stolen.status()).as(stolen.toString()).isEqualTo(422);
        assertThat(fields(stolen)).containsExactly("bindings.logo");

        assertThat(send(request("/v1/uploads/" + id, token).DELETE().build()).status())
                .isEqualTo(204);
        assertThat(get("/v1/uploads/" + id, token).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("issue 18 case 5: a bad or oversized file gets a clear 4xx and stores nothing")
    void aBadOrOversizedUploadIsRefusedAndStoresNothing() throws IOException {
        start(GatewayLimits.DEFAULT);
        JsonNode sara = signUp("Sara");
        String token = sara.path("access_token").asText();

        Answer text = upload(token, "image/png", "not a picture".getBytes(StandardCharsets.UTF_8), "");
        assertThat(text.status()).as(text.toString()).isEqualTo(415);
        assertThat(text.body().path("detail").asText()).contains("is not a PNG, JPEG or SVG");

        Answer script = upload(
                token,
                "image/svg+xml",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 9 9\"><script>alert(1)</script></svg>"
                        .getBytes(StandardCharsets.UTF_8),
                "");
        assertThat(script.status()).as(script.toString()).isEqualTo(415);
        assertThat(script.body().path("detail").asText()).contains("<script>");

        // Refused on its Content-Length, before the body: the request's head alone gets the 413.
        // (A client sending the whole 5 MiB races the gateway's early answer: the connection
        // closed with the body unread may reset before the client reads it.)
        assertThat(statusOfHeadOnly("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: image/png\r\nContent-Length: "
                        + (ir.flatrender.gateway.uploads.Uploads.MAX_BYTES + 1) + "\r\n\r\n"))
                .isEqualTo(413);

        Answer form = upload(
                token, "multipart/form-data; boundary=x", "--x\r\n\r\nx\r\n--x--".getBytes(StandardCharsets.UTF_8), "");
        assertThat(form.status()).as(form.toString()).isEqualTo(415);

        Answer badName = upload(token, "image/png", new byte[] {1}, "?filename=a%0Ab");
        assertThat(badName.status()).as(badName.toString()).isEqualTo(422);
        assertThat(fields(badName)).containsExactly("filename");

        Answer svg = upload(
                token,
                "image/svg+xml",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 90 30\"><rect width=\"90\" height=\"30\"/></svg>"
                        .getBytes(StandardCharsets.UTF_8),
                "");
        assertThat(svg.status()).as(svg.toString()).isEqualTo(201);
        Answer shown = get("/v1/uploads/" + svg.body().path("id").asText() + "/content", token);
        assertThat(shown.header("Content-Security-Policy")).contains("default-src 'none'");
        long kept = postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM identity.uploads WHERE tenant_id = :t")
                        .bind("t", UUID.fromString(sara.path("tenant_id").asText()))
                        .mapTo(Long.class)
                        .one());
        assertThat(kept).isEqualTo(1); // the SVG; nothing of the refused files
    }

    @Test
    void streamLimitsDefaultToTwentyPerTenantTwentyPerAddressThirtyMinutes() {
        assertThat(EventStreams.Limits.DEFAULT)
                .isEqualTo(new EventStreams.Limits(20, 20, Duration.ofMinutes(30), Duration.ofSeconds(15)));
    }
}
