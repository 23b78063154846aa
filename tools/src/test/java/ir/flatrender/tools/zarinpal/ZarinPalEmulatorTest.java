package ir.flatrender.tools.zarinpal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.tools.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The emulator over real HTTP, as the payment broker and a buyer's browser speak to it. */
class ZarinPalEmulatorTest {
    private static final String MERCHANT = "11111111-2222-3333-4444-555555555555";
    private static final String OTHER_MERCHANT = "99999999-8888-7777-6666-555555555555";
    private static final String CALLBACK = "https://shop.example/return?order=7";
    private static final String DESCRIPTION = "شارژ کیف پول — wallet top-up";

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private ZarinPalEmulator emulator;

    @BeforeEach
    void start() {
        emulator = ZarinPalEmulator.start("127.0.0.1", 0, Set.of(MERCHANT, OTHER_MERCHANT));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    // ---- helpers ----

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode api(String operation, Map<String, ?> body) throws Exception {
        return api(operation, json.writeValueAsString(body));
    }

    private JsonNode api(String operation, String body) throws Exception {
        HttpResponse<String> response = send("POST", "/pg/v4/payment/" + operation, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return json.readTree(response.body());
    }

    private static Map<String, Object> payment(String merchant, long amount) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("merchant_id", merchant);
        body.put("amount", amount);
        body.put("description", DESCRIPTION);
        body.put("callback_url", CALLBACK);
        body.put("metadata", Map.of("mobile", "09120000000", "email", "buyer@example.com", "order_id", "7"));
        return body;
    }

    private String request(String merchant, long amount) throws Exception {
        JsonNode answer = api("request.json", payment(merchant, amount));
        assertThat(answer.path("data").path("code").asInt())
                .as(answer.toString())
                .isEqualTo(100);
        return answer.path("data").path("authority").asText();
    }

    private HttpResponse<String> press(String authority, String button) throws Exception {
        return send("POST", "/pg/StartPay/" + authority + "/" + button, null);
    }

    private JsonNode verify(String merchant, long amount, String authority) throws Exception {
        return api("verify.json", Map.of("merchant_id", merchant, "amount", amount, "authority", authority));
    }

    private static void assertError(JsonNode answer, int code, String message) {
        assertThat(answer.path("data").isArray()).as(answer.toString()).isTrue();
        assertThat(answer.path("data")).isEmpty();
        assertThat(answer.path("errors").path("code").asInt())
                .as(answer.toString())
                .isEqualTo(code);
        assertThat(answer.path("errors").path("message").asText()).isEqualTo(message);
        assertThat(answer.path("errors").path("validations").isArray()).isTrue();
    }

    private static void assertInvalid(JsonNode answer, String field, String message) {
        assertError(answer, -9, "The input params invalid, validation error.");
        assertThat(answer.path("errors").path("validations"))
                .anySatisfy(v -> assertThat(v.path(field).asText()).isEqualTo(message));
    }

    // ---- the contract ----

    // ---- issue 15's switches ----

    @Test
    void theExpiryAskedForIsKeptAndAnExpiredSessionCannotBePaid() throws Exception {
        Map<String, Object> body = payment(MERCHANT, 250_000);
        body.put("expire_in", 60);
        JsonNode answer = api("request.json", body);
        String authority = answer.path("data").path("authority").asText();
        ZarinPalEmulator.Session session = emulator.session(authority).orElseThrow();
        assertThat(Duration.between(java.time.Instant.now(), session.expiresAt()))
                .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61));
        body.put("expire_in", 5);
        assertThat(api("request.json", body).path("errors").path("code").asInt())
                .isEqualTo(-40);
        body.put("expire_in", "soon");
        assertThat(api("request.json", body).path("errors").path("code").asInt())
                .isEqualTo(-40);
    }

    @Test
    void anAmountAboveZarinPalsLimitIsRefused() throws Exception {
        assertInvalid(
                api("request.json", payment(MERCHANT, ZarinPalEmulator.MAX_AMOUNT_RIAL + 1)),
                "amount",
                "The amount must not be greater than 2000000000.");
        Map<String, Object> toman = payment(MERCHANT, ZarinPalEmulator.MAX_AMOUNT_RIAL / 10 + 1);
        toman.put("currency", "IRT");
        assertInvalid(api("request.json", toman), "amount", "The amount must not be greater than 200000000.");
        assertThat(request(MERCHANT, ZarinPalEmulator.MAX_AMOUNT_RIAL)).startsWith("A");
    }

    @Test
    void aLatePaymentIsPaidWhateverTheSessionsState() throws Exception {
        String authority = request(MERCHANT, 250_000);
        press(authority, "cancel");
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("cancelled");
        emulator.payLate(authority);
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("paid");
        JsonNode listed = api("unVerified.json", Map.of("merchant_id", MERCHANT));
        assertThat(listed.path("data").path("authorities").toString()).contains(authority);
        assertThat(verify(MERCHANT, 250_000, authority)
                        .path("data")
                        .path("code")
                        .asInt())
                .isEqualTo(100);
    }

    @Test
    void theRefIdFaultsAnswerARefIdPast2To63OrNone() throws Exception {
        String authority = request(MERCHANT, 250_000);
        press(authority, "pay");
        long refId = emulator.session(authority).orElseThrow().refId();
        emulator.setRefIdFault(ZarinPalEmulator.RefIdFault.PAST_2_63);
        JsonNode big = verify(MERCHANT, 250_000, authority);
        assertThat(big.path("data").path("ref_id").bigIntegerValue())
                .isEqualTo(ZarinPalEmulator.TWO_TO_THE_64.add(java.math.BigInteger.valueOf(refId)));
        emulator.setRefIdFault(ZarinPalEmulator.RefIdFault.MISSING);
        JsonNode none = verify(MERCHANT, 250_000, authority);
        assertThat(none.path("data").path("code").asInt()).isEqualTo(101);
        assertThat(none.path("data").has("ref_id")).isFalse();
        emulator.setRefIdFault(ZarinPalEmulator.RefIdFault.NONE);
        assertThat(verify(MERCHANT, 250_000, authority)
                        .path("data")
                        .path("ref_id")
                        .asLong())
                .isEqualTo(refId);
    }

    @Test
    void heldVerifiesWaitForTheRelease() throws Exception {
        String authority = request(MERCHANT, 250_000);
        press(authority, "pay");
        emulator.holdVerifies();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<JsonNode> held = pool.submit(() -> verify(MERCHANT, 250_000, authority));
            assertThatThrownBy(() -> held.get(500, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(emulator.verifyCalls(authority)).isEqualTo(1);
            emulator.releaseVerifies();
            assertThat(held.get(10, TimeUnit.SECONDS).path("data").path("code").asInt())
                    .isEqualTo(100);
        } finally {
            emulator.releaseVerifies();
            pool.shutdownNow();
        }
    }

    @Test
    void requestPayAndVerify() throws Exception {
        JsonNode requested = api("request.json", payment(MERCHANT, 250_000));
        assertThat(requested.path("errors").isArray()).isTrue();
        assertThat(requested.path("errors")).isEmpty();
        JsonNode data = requested.path("data");
        assertThat(data.path("code").asInt()).isEqualTo(100);
        assertThat(data.path("message").asText()).isEqualTo("Success");
        assertThat(data.path("fee_type").asText()).isEqualTo("Merchant");
        assertThat(data.path("fee").isIntegralNumber()).isTrue();
        String authority = data.path("authority").asText();
        assertThat(authority).hasSize(36).matches("A[0-9]{35}");
        assertThat(emulator.session(authority))
                .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo("pending"));

        HttpResponse<String> page = send("GET", "/pg/StartPay/" + authority, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/html").containsIgnoringCase("utf-8"));
        assertThat(page.body())
                .contains("action=\"/pg/StartPay/" + authority + "/pay\"")
                .contains("action=\"/pg/StartPay/" + authority + "/cancel\"")
                .contains("250,000")
                .contains(DESCRIPTION)
                .contains(MERCHANT)
                .contains("Pay")
                .contains("Cancel");

        HttpResponse<String> paid = press(authority, "pay");
        assertThat(paid.statusCode()).isEqualTo(302);
        String location = CALLBACK + "&Authority=" + authority + "&Status=OK";
        assertThat(paid.headers().firstValue("Location")).hasValue(location);
        HttpResponse<String> again = press(authority, "pay");
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location")).hasValue(location);
        ZarinPalEmulator.Session session = emulator.session(authority).orElseThrow();
        assertThat(session.state()).isEqualTo("paid");
        assertThat(session.refId()).isGreaterThanOrEqualTo(201);
        assertThat(session.amount()).isEqualTo(250_000);
        assertThat(session.currency()).isEqualTo("IRR");
        assertThat(session.merchantId()).isEqualTo(MERCHANT);

        JsonNode verified = verify(MERCHANT, 250_000, authority);
        assertThat(verified.path("errors")).isEmpty();
        assertThat(verified.path("data").path("code").asInt()).isEqualTo(100);
        assertThat(verified.path("data").path("message").asText()).isEqualTo("Verified");
        assertThat(verified.path("data").path("ref_id").asLong()).isEqualTo(session.refId());
        assertThat(verified.path("data").path("card_pan").asText()).isEqualTo("502229******5995");
        assertThat(verified.path("data").path("card_hash").asText()).matches("[0-9A-Fa-f]{64}");
        assertThat(verified.path("data").path("fee_type").asText()).isEqualTo("Merchant");
        assertThat(verified.path("data").path("fee").isIntegralNumber()).isTrue();
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("verified");

        JsonNode twice = verify(MERCHANT, 250_000, authority);
        assertThat(twice.path("data").path("code").asInt()).isEqualTo(101);
        assertThat(twice.path("data").path("message").asText()).isEqualTo("Verified");
        assertThat(twice.path("data").path("ref_id").asLong()).isEqualTo(session.refId());
        assertThat(twice.path("data").path("card_pan").asText()).isEqualTo("502229******5995");

        assertError(verify(MERCHANT, 240_000, authority), -50, "Session is not valid, amounts values is not the same.");
        assertError(verify(MERCHANT, 250_000, "A" + "9".repeat(35)), -54, "Invalid authority.");
        assertError(verify(OTHER_MERCHANT, 250_000, authority), -54, "Invalid authority.");
        assertThat(emulator.verifyCalls(authority)).isEqualTo(4);
        assertThat(emulator.verifyCalls()).isEqualTo(5);
    }

    @Test
    void refIdsIncreasePerPayment() throws Exception {
        String first = request(MERCHANT, 10_000);
        String second = request(MERCHANT, 10_000);
        assertThat(second).isGreaterThan(first);
        press(second, "pay");
        press(first, "pay");
        assertThat(emulator.session(first).orElseThrow().refId())
                .isGreaterThan(emulator.session(second).orElseThrow().refId());
    }

    @Test
    void cancelledAndPendingSessionsDoNotVerify() throws Exception {
        String cancelled = request(MERCHANT, 50_000);
        String pending = request(MERCHANT, 50_000);
        HttpResponse<String> cancel = press(cancelled, "cancel");
        assertThat(cancel.statusCode()).isEqualTo(302);
        assertThat(cancel.headers().firstValue("Location"))
                .hasValue(CALLBACK + "&Authority=" + cancelled + "&Status=NOK");
        assertThat(emulator.session(cancelled).orElseThrow().state()).isEqualTo("cancelled");
        // Paying after cancelling changes nothing.
        assertThat(press(cancelled, "pay").headers().firstValue("Location"))
                .hasValue(CALLBACK + "&Authority=" + cancelled + "&Status=NOK");

        String notPaid = "Session is not valid, session is not active paid try.";
        assertError(verify(MERCHANT, 50_000, cancelled), -51, notPaid);
        assertError(verify(MERCHANT, 50_000, pending), -51, notPaid);
        assertThat(emulator.session(pending).orElseThrow().state()).isEqualTo("pending");
    }

    @Test
    void callbackWithoutQueryGetsOne() throws Exception {
        Map<String, Object> body = payment(MERCHANT, 10_000);
        body.put("callback_url", "http://127.0.0.1:9/back");
        String authority =
                api("request.json", body).path("data").path("authority").asText();
        assertThat(press(authority, "pay").headers().firstValue("Location"))
                .hasValue("http://127.0.0.1:9/back?Authority=" + authority + "&Status=OK");
    }

    @Test
    void unknownAuthorityPagesAreNotFound() throws Exception {
        String unknown = "A" + "0".repeat(35);
        assertThat(send("GET", "/pg/StartPay/" + unknown, null).statusCode()).isEqualTo(404);
        assertThat(press(unknown, "pay").statusCode()).isEqualTo(404);
        assertThat(press(unknown, "cancel").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/nothing", null).statusCode()).isEqualTo(404);
    }

    @Test
    void unverifiedListsPaidSessionsNotYetVerified() throws Exception {
        JsonNode empty = api("unVerified.json", Map.of("merchant_id", MERCHANT));
        assertThat(empty.path("data").path("code").asInt()).isEqualTo(100);
        assertThat(empty.path("data").path("authorities").isArray()).isTrue();
        assertThat(empty.path("data").path("authorities")).isEmpty();

        String paid = request(MERCHANT, 30_000);
        String verified = request(MERCHANT, 40_000);
        String pending = request(MERCHANT, 50_000);
        String othersPaid = request(OTHER_MERCHANT, 60_000);
        press(paid, "pay");
        press(verified, "pay");
        press(othersPaid, "pay");
        assertThat(verify(MERCHANT, 40_000, verified).path("data").path("code").asInt())
                .isEqualTo(100);

        JsonNode answer = api("unVerified.json", Map.of("merchant_id", MERCHANT));
        assertThat(answer.path("errors")).isEmpty();
        assertThat(answer.path("data").path("message").asText()).isEqualTo("Success");
        JsonNode list = answer.path("data").path("authorities");
        assertThat(list).hasSize(1);
        JsonNode only = list.get(0);
        assertThat(only.path("authority").asText()).isEqualTo(paid).isNotEqualTo(pending);
        assertThat(only.path("amount").asLong()).isEqualTo(30_000);
        assertThat(only.path("callback_url").asText()).isEqualTo(CALLBACK);
        assertThat(only.path("referer").asText()).isEmpty();
        assertThat(only.path("date").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

        JsonNode others = api("unVerified.json", Map.of("merchant_id", OTHER_MERCHANT));
        assertThat(others.path("data").path("authorities")).hasSize(1);
        assertThat(others.path("data")
                        .path("authorities")
                        .get(0)
                        .path("authority")
                        .asText())
                .isEqualTo(othersPaid);
    }

    @Test
    void invalidRequestsAnswerValidationErrors() throws Exception {
        assertInvalid(api("request.json", payment(MERCHANT, 5_000)), "amount", "The amount must be at least 10000.");
        Map<String, Object> toman = payment(MERCHANT, 5_000);
        toman.put("currency", "IRT");
        assertThat(api("request.json", toman).path("data").path("code").asInt()).isEqualTo(100);
        assertThat(emulator.session(request(MERCHANT, 10_000)).orElseThrow().currency())
                .isEqualTo("IRR");
        toman.put("amount", 999);
        assertInvalid(api("request.json", toman), "amount", "The amount must be at least 1000.");
        Map<String, Object> dollars = payment(MERCHANT, 10_000);
        dollars.put("currency", "USD");
        assertInvalid(api("request.json", dollars), "currency", "The selected currency is invalid.");

        assertInvalid(
                api("request.json", payment("not-a-merchant", 10_000)),
                "merchant_id",
                "The merchant id must be 36 characters.");
        Map<String, Object> anonymous = payment(MERCHANT, 10_000);
        anonymous.remove("merchant_id");
        assertInvalid(api("request.json", anonymous), "merchant_id", "The merchant id field is required.");
        Map<String, Object> noCallback = payment(MERCHANT, 10_000);
        noCallback.remove("callback_url");
        assertInvalid(api("request.json", noCallback), "callback_url", "The callback url field is required.");
        Map<String, Object> noDescription = payment(MERCHANT, 10_000);
        noDescription.put("description", " ");
        assertInvalid(api("request.json", noDescription), "description", "The description field is required.");

        assertError(
                api("request.json", payment("00000000-0000-0000-0000-000000000000", 10_000)),
                -10,
                "Terminal is not valid, please check merchant_id or ip address.");

        for (String operation : List.of("request.json", "verify.json", "unVerified.json")) {
            assertError(api(operation, "not json"), -9, "The input params invalid, validation error.");
            assertError(api(operation, "[1, 2]"), -9, "The input params invalid, validation error.");
            assertError(api(operation, ""), -9, "The input params invalid, validation error.");
        }
        assertInvalid(
                api("verify.json", Map.of("merchant_id", MERCHANT, "amount", 10_000)),
                "authority",
                "The authority field is required.");
        assertInvalid(
                api("verify.json", Map.of("merchant_id", MERCHANT, "amount", "much", "authority", "A1")),
                "amount",
                "The amount must be an integer.");
        assertInvalid(api("unVerified.json", Map.of()), "merchant_id", "The merchant id field is required.");
        assertThat(send("GET", "/pg/v4/payment/request.json", null).statusCode())
                .isEqualTo(405);
    }

    @Test
    void anyWellFormedMerchantWhenNoneAreKnown() throws Exception {
        emulator.close();
        emulator = ZarinPalEmulator.start("127.0.0.1", 0, Set.of());
        assertThat(request("00000000-0000-0000-0000-000000000000", 10_000)).hasSize(36);
        assertInvalid(
                api("request.json", payment("short", 10_000)), "merchant_id", "The merchant id must be 36 characters.");
    }

    @Test
    void paymentOfAnotherAmountFailsVerification() throws Exception {
        String authority = request(MERCHANT, 100_000);
        emulator.payWithAmount(authority, 90_000);
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("paid");
        assertError(verify(MERCHANT, 100_000, authority), -50, "Session is not valid, amounts values is not the same.");
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("paid");
        assertThatThrownBy(() -> emulator.payWithAmount("A" + "1".repeat(35), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unavailableApiAnswers503ButCountsVerifies() throws Exception {
        String authority = request(MERCHANT, 20_000);
        press(authority, "pay");
        emulator.setAvailable(false);

        HttpResponse<String> verify = send(
                "POST",
                "/pg/v4/payment/verify.json",
                json.writeValueAsString(Map.of("merchant_id", MERCHANT, "amount", 20_000, "authority", authority)));
        assertThat(verify.statusCode()).isEqualTo(503);
        assertThat(verify.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(verify.body()).contains("503");
        assertThat(emulator.verifyCalls(authority)).isEqualTo(1);
        assertThat(emulator.verifyCalls()).isEqualTo(1);
        assertThat(emulator.session(authority).orElseThrow().state()).isEqualTo("paid");

        HttpResponse<String> request =
                send("POST", "/pg/v4/payment/request.json", json.writeValueAsString(payment(MERCHANT, 10_000)));
        assertThat(request.statusCode()).isEqualTo(503);
        assertThat(send("POST", "/pg/v4/payment/unVerified.json", "{}").statusCode())
                .isEqualTo(503);
        assertThat(send("GET", "/pg/StartPay/" + authority, null).statusCode()).isEqualTo(200);

        emulator.setAvailable(true);
        assertThat(verify(MERCHANT, 20_000, authority).path("data").path("code").asInt())
                .isEqualTo(100);
        assertThat(emulator.verifyCalls(authority)).isEqualTo(2);
        assertThat(emulator.verifyCalls("A" + "2".repeat(35))).isZero();
    }

    @Test
    void concurrentVerifiesVerifyOnce() throws Exception {
        String authority = request(MERCHANT, 70_000);
        press(authority, "pay");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return verify(MERCHANT, 70_000, authority);
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            Set<Long> refIds = new java.util.HashSet<>();
            for (Future<JsonNode> answer : answers) {
                JsonNode data = answer.get(30, TimeUnit.SECONDS).path("data");
                codes.add(data.path("code").asInt());
                refIds.add(data.path("ref_id").asLong());
            }
            assertThat(codes).containsOnly(100, 101);
            assertThat(codes).filteredOn(code -> code == 100).hasSize(1);
            assertThat(refIds).hasSize(1);
            assertThat(emulator.verifyCalls(authority)).isEqualTo(callers);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- the command ----

    @Test
    void commandServesUntilInterrupted() throws Exception {
        BlockingQueue<String> printed = new LinkedBlockingQueue<>();
        Writer sink = new Writer() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public synchronized void write(char[] chars, int offset, int length) {
                text.append(chars, offset, length);
            }

            @Override
            public synchronized void flush() {
                if (!text.isEmpty()) {
                    printed.add(text.toString());
                    text.setLength(0);
                }
            }

            @Override
            public void close() {}
        };
        CommandLine command = new CommandLine(new ZarinPalCommand());
        command.setOut(new PrintWriter(sink));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread runner = new Thread(() -> exit.set(command.execute("--listen", "127.0.0.1:0")), "zarinpal-command");
        runner.start();
        try {
            String line = printed.poll(30, TimeUnit.SECONDS);
            assertThat(line).startsWith("zarinpal emulator on http://127.0.0.1:");
            String base = line.substring("zarinpal emulator on ".length()).split(" ")[0];
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/pg/StartPay/A1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(404);

            runner.interrupt();
            runner.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(runner.isAlive()).isFalse();
            assertThat(exit.get()).isEqualTo(ExitCodes.OK);
            assertThatThrownBy(() -> http.send(
                            HttpRequest.newBuilder(URI.create(base + "/pg/StartPay/A1"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        } finally {
            runner.interrupt();
        }
    }

    @Test
    void commandRefusesBadOptions() {
        for (String[] args :
                List.of(new String[] {"--listen", "7710"}, new String[] {"--listen", "127.0.0.1:http"}, new String[] {
                    "--listen", "127.0.0.1:0", "--merchant", "short"
                })) {
            CommandLine command = new CommandLine(new ZarinPalCommand());
            command.setErr(new PrintWriter(Writer.nullWriter()));
            command.setExecutionExceptionHandler((error, line, parsed) -> ExitCodes.of(error));
            assertThat(command.execute(args)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
        }
    }
}
