package ir.flatrender.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import ir.flatrender.gateway.payment.ZarinPal.Requested;
import ir.flatrender.gateway.payment.ZarinPal.Unit;
import ir.flatrender.gateway.payment.ZarinPal.Unverified;
import ir.flatrender.gateway.payment.ZarinPal.Verified;
import ir.flatrender.gateway.payment.ZarinPal.ZarinPalException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ZarinPalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MERCHANT = "1344b5d4-0048-11e8-94db-005056a205be";
    private static final String AUTHORITY = "A0000000000000000000000000000wwOGYpd";
    private static final String REQUEST = "/pg/v4/payment/request.json";
    private static final String VERIFY = "/pg/v4/payment/verify.json";
    private static final String UNVERIFIED = "/pg/v4/payment/unVerified.json";

    private record Sent(String path, String contentType, String accept, JsonNode body) {}

    private record Reply(int status, String contentType, String body) {}

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private HttpServer server;
    private ExecutorService executor;
    private String base;

    /** A canned ZarinPal: records what is sent and answers what the test set for the path. */
    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            sent.add(new Sent(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"),
                    JSON.readTree(raw)));
            if (hang) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Reply reply =
                    replies.getOrDefault(exchange.getRequestURI().getPath(), new Reply(404, "text/plain", "not found"));
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    private void answer(String path, int status, String json) {
        replies.put(path, new Reply(status, "application/json", json));
    }

    private ZarinPal zarinPal() {
        return new ZarinPal(base + "/", Duration.ofSeconds(5), JSON);
    }

    private Requested requestInRial(long amountRial) throws ZarinPalException {
        return zarinPal()
                .request(MERCHANT, amountRial, Unit.IRR, "credits", "https://app.example/back", null, null, null, null);
    }

    private Sent only() {
        assertThat(sent).hasSize(1);
        return sent.get(0);
    }

    @Test
    void requestSendsTheAmountInTomanAndGivesTheAuthorityAndTheFeeInRial() throws Exception {
        answer(REQUEST, 200, """
                {"data":{"code":100,"message":"Success","authority":"%s","fee_type":"Merchant","fee":250},
                 "errors":[]}
                """.formatted(AUTHORITY));

        Requested requested = zarinPal()
                .request(
                        MERCHANT,
                        500_000,
                        Unit.IRT,
                        "FlatRender credits",
                        "https://app.example/pay/back",
                        "09121234567",
                        null,
                        "ord_42",
                        Duration.ofMinutes(30));

        assertThat(requested).isEqualTo(new Requested(AUTHORITY, 2_500, "Merchant"));
        Sent request = only();
        assertThat(request.path()).isEqualTo(REQUEST);
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.accept()).isEqualTo("application/json");
        JsonNode body = request.body();
        assertThat(body.get("merchant_id").asText()).isEqualTo(MERCHANT);
        assertThat(body.get("amount").asLong()).isEqualTo(50_000);
        assertThat(body.get("currency").asText()).isEqualTo("IRT");
        assertThat(body.get("description").asText()).isEqualTo("FlatRender credits");
        assertThat(body.get("callback_url").asText()).isEqualTo("https://app.example/pay/back");
        assertThat(body.get("metadata").get("mobile").asText()).isEqualTo("09121234567");
        assertThat(body.get("metadata").get("order_id").asText()).isEqualTo("ord_42");
        assertThat(body.get("metadata").has("email")).isFalse();
        // Issue 15 case 1: the expiry the broker enforces is sent, so ZarinPal stops taking it then.
        assertThat(body.get("expire_in").asLong()).isEqualTo(1_800);
    }

    @Test
    void requestInRialSendsTheAmountAsIsAndOmitsEmptyMetadata() throws Exception {
        answer(REQUEST, 200, """
                {"data":{"code":100,"message":"Success","authority":"%s","fee_type":"Payer","fee":0},"errors":[]}
                """.formatted(AUTHORITY));

        Requested requested = zarinPal()
                .request(MERCHANT, 123_457, Unit.IRR, "credits", "https://app.example/back", null, null, null, null);

        assertThat(requested).isEqualTo(new Requested(AUTHORITY, 0, "Payer"));
        JsonNode body = only().body();
        assertThat(body.get("amount").asLong()).isEqualTo(123_457);
        assertThat(body.get("currency").asText()).isEqualTo("IRR");
        assertThat(body.has("metadata")).isFalse();
    }

    @Test
    void startPayUrlIsUnderTheBaseWithoutADoubleSlash() {
        assertThat(zarinPal().startPayUrl(AUTHORITY)).isEqualTo(base + "/pg/StartPay/" + AUTHORITY);
        assertThat(new ZarinPal(ZarinPal.PRODUCTION, Duration.ofSeconds(5), JSON).startPayUrl(AUTHORITY))
                .isEqualTo("https://payment.zarinpal.com/pg/StartPay/" + AUTHORITY);
        assertThatThrownBy(() -> zarinPal().startPayUrl("A/../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBaseUrlMustBeHttpOrHttps() {
        assertThatThrownBy(() -> new ZarinPal("ftp://payment.zarinpal.com", Duration.ofSeconds(5), JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZarinPal("payment.zarinpal.com", Duration.ofSeconds(5), JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZarinPal("https://", Duration.ofSeconds(5), JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZarinPal("not a url", Duration.ofSeconds(5), JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZarinPal(ZarinPal.SANDBOX, Duration.ZERO, JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZarinPal(null, Duration.ofSeconds(5), JSON))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void verifyGivesARefIdAboveTheIntRange() throws Exception {
        answer(VERIFY, 200, """
                {"data":{"code":100,"message":"Verified",
                 "card_hash":"1EBE3EBEBE35C7EC0F8D6EE4F2F859107A87822CA179BC9528767EA7B5489B69",
                 "card_pan":"502229******5995","ref_id":12345678901,"fee_type":"Merchant","fee":120},"errors":[]}
                """);

        Verified verified = zarinPal().verify(MERCHANT, 500_000, Unit.IRT, AUTHORITY);

        assertThat(verified.code()).isEqualTo(100);
        assertThat(verified.alreadyVerified()).isFalse();
        assertThat(verified.refId()).isEqualTo("12345678901");
        assertThat(verified.cardPan()).isEqualTo("502229******5995");
        assertThat(verified.cardHash()).startsWith("1EBE3EBE");
        assertThat(verified.feeRial()).isEqualTo(1_200);
        assertThat(verified.feeType()).isEqualTo("Merchant");
        JsonNode body = only().body();
        assertThat(body.get("merchant_id").asText()).isEqualTo(MERCHANT);
        assertThat(body.get("amount").asLong()).isEqualTo(50_000);
        assertThat(body.get("authority").asText()).isEqualTo(AUTHORITY);
    }

    /** Issue 15 case 2: 2^64 + 5 was read as 5; it is kept digit for digit, as a number or a string. */
    @ParameterizedTest
    @CsvSource({"18446744073709551621", "\"18446744073709551621\""})
    void case2VerifyKeepsARefIdPast2To63Exactly(String refId) throws Exception {
        answer(VERIFY, 200, """
                {"data":{"code":100,"message":"Verified","card_hash":"abc","card_pan":"502229******5995",
                 "ref_id":%s,"fee_type":"Merchant","fee":0},"errors":[]}
                """.formatted(refId));

        assertThat(zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY).refId())
                .isEqualTo("18446744073709551621");
    }

    /** Issue 15 case 2: a success without a ref_id (or with 0, or garbage) has none, not 0. */
    @ParameterizedTest
    @ValueSource(strings = {"", ",\"ref_id\":0", ",\"ref_id\":null", ",\"ref_id\":\"12x\"", ",\"ref_id\":1.5"})
    void case2VerifyWithoutARefIdGivesNone(String refId) throws Exception {
        answer(VERIFY, 200, """
                {"data":{"code":100,"message":"Verified","card_pan":"502229******5995"%s},"errors":[]}
                """.formatted(refId));

        Verified verified = zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY);
        assertThat(verified.code()).isEqualTo(100);
        assertThat(verified.refId()).isNull();
    }

    @Test
    void verifyCode101IsASuccessAlreadyVerified() throws Exception {
        answer(VERIFY, 200, """
                {"data":{"code":101,"message":"Verified","card_hash":"abc","card_pan":"502229******5995",
                 "ref_id":12345678901,"fee_type":"Merchant","fee":0},"errors":[]}
                """);

        Verified verified = zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY);

        assertThat(verified.code()).isEqualTo(101);
        assertThat(verified.alreadyVerified()).isTrue();
        assertThat(verified.refId()).isEqualTo("12345678901");
        assertThat(only().body().get("amount").asLong()).isEqualTo(500_000);
    }

    @Test
    void aValidationErrorWithEmptyDataAndAValidationsArrayIsCodeMinus9WithTheValidationText() {
        answer(REQUEST, 400, """
                {"data":[],"errors":{"code":-9,"message":"The input params invalid, validation error.",
                 "validations":[{"amount":"The amount must be at least 1000."},
                                {"callback_url":"The callback url is required."}]}}
                """);

        ZarinPalException e = catchThrowableOfType(ZarinPalException.class, () -> requestInRial(10));

        assertThat(e.unreachable()).isFalse();
        assertThat(e.code()).isEqualTo(-9);
        assertThat(e.zarinPalMessage()).isEqualTo("The input params invalid, validation error.");
        assertThat(e.getMessage())
                .contains("-9")
                .contains(ZarinPal.explain(-9))
                .contains("amount: The amount must be at least 1000.")
                .contains("callback_url: The callback url is required.");
    }

    @Test
    void validationsMayBeAnObject() {
        answer(REQUEST, 200, """
                {"data":[],"errors":{"code":-9,"message":"invalid",
                 "validations":{"merchant_id":"The merchant id is invalid."}}}
                """);

        ZarinPalException e = catchThrowableOfType(ZarinPalException.class, () -> requestInRial(10_000));

        assertThat(e.code()).isEqualTo(-9);
        assertThat(e.getMessage()).contains("merchant_id: The merchant id is invalid.");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "-50 | the amount differs from the payment's",
                "-51 | the payment failed or was cancelled",
                "-54 | the authority is not valid"
            })
    void verifyRefusalsSayWhy(int code, String why) {
        answer(VERIFY, 200, """
                {"data":[],"errors":{"code":%d,"message":"Session is not valid.","validations":[]}}
                """.formatted(code));

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isFalse();
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.zarinPalMessage()).isEqualTo("Session is not valid.");
        assertThat(e.getMessage())
                .contains(Integer.toString(code))
                .contains(why)
                .doesNotContain("Validation");
        assertThat(ZarinPal.explain(code)).contains(why);
    }

    @Test
    void aFailureCodeInDataWithEmptyErrorsIsARefusal() {
        answer(VERIFY, 200, """
                {"data":{"code":-51,"message":"failed"},"errors":[]}
                """);

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isFalse();
        assertThat(e.code()).isEqualTo(-51);
    }

    @Test
    void requestCode101IsNotASuccess() {
        answer(REQUEST, 200, """
                {"data":{"code":101,"message":"Verified","authority":"%s"},"errors":[]}
                """.formatted(AUTHORITY));

        ZarinPalException e = catchThrowableOfType(ZarinPalException.class, () -> requestInRial(10_000));

        assertThat(e.code()).isEqualTo(101);
        assertThat(e.unreachable()).isFalse();
    }

    @Test
    void dataWithoutAnErrorsFieldIsReadToo() throws Exception {
        answer(REQUEST, 200, """
                {"data":{"code":"100","message":"Success","authority":"%s","fee_type":"Merchant","fee":"3"}}
                """.formatted(AUTHORITY));

        Requested requested = zarinPal()
                .request(MERCHANT, 10_000, Unit.IRR, "credits", "https://app.example/back", null, null, null, null);

        assertThat(requested).isEqualTo(new Requested(AUTHORITY, 3, "Merchant"));
    }

    @Test
    void anHtml502IsUnreachable() {
        replies.put(VERIFY, new Reply(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"));

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isTrue();
        assertThat(e.code()).isZero();
        assertThat(e.zarinPalMessage()).isEmpty();
        assertThat(e.getMessage()).contains("502");
    }

    @Test
    void htmlWithStatus200IsUnreachableToo() {
        replies.put(VERIFY, new Reply(200, "text/html", "<html>challenge</html>"));

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isTrue();
    }

    @Test
    void aJson500IsUnreachable() {
        answer(VERIFY, 500, """
                {"data":[],"errors":{"code":-52,"message":"oops"}}
                """);

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isTrue();
        assertThat(e.code()).isZero();
    }

    @Test
    void jsonWithoutACodeIsUnreachable() {
        answer(VERIFY, 200, """
                {"data":[],"errors":[]}
                """);

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal().verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isTrue();
    }

    @Test
    void aServerThatNeverAnswersWithinTheTimeoutIsUnreachable() {
        hang = true;
        ZarinPal zarinPal = new ZarinPal(base, Duration.ofMillis(300), JSON);

        ZarinPalException e = catchThrowableOfType(
                ZarinPalException.class, () -> zarinPal.verify(MERCHANT, 500_000, Unit.IRR, AUTHORITY));

        assertThat(e.unreachable()).isTrue();
        assertThat(e.code()).isZero();
        assertThat(sent).hasSize(1);
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ZarinPal zarinPal = new ZarinPal("http://127.0.0.1:" + port, Duration.ofSeconds(5), JSON);

        ZarinPalException e =
                catchThrowableOfType(ZarinPalException.class, () -> zarinPal.unverified(MERCHANT, Unit.IRR));

        assertThat(e.unreachable()).isTrue();
        assertThat(e.getCause()).isInstanceOf(IOException.class);
    }

    @Test
    void unverifiedGivesTheAmountsBackInRial() throws Exception {
        answer(UNVERIFIED, 200, """
                {"data":{"code":100,"message":"Success","authorities":[
                  {"authority":"A0000000000000000000000000000wwOGYpd","amount":50000,
                   "callback_url":"https://app.example/back","referer":"https://app.example",
                   "date":"2024-06-01 10:11:12"},
                  {"authority":"A0000000000000000000000000000xxOGYpe","amount":1500,
                   "callback_url":"https://app.example/back","referer":"","date":"2024-06-02 08:00:00"}]},
                 "errors":[]}
                """);

        List<Unverified> list = zarinPal().unverified(MERCHANT, Unit.IRT);

        assertThat(list)
                .containsExactly(
                        new Unverified(AUTHORITY, 500_000, "https://app.example/back", "2024-06-01 10:11:12"),
                        new Unverified(
                                "A0000000000000000000000000000xxOGYpe",
                                15_000,
                                "https://app.example/back",
                                "2024-06-02 08:00:00"));
        JsonNode body = only().body();
        assertThat(body.get("merchant_id").asText()).isEqualTo(MERCHANT);
        assertThat(body.size()).isEqualTo(1);
    }

    @Test
    void unverifiedWithNoAuthoritiesIsEmpty() throws Exception {
        answer(UNVERIFIED, 200, """
                {"data":{"code":100,"message":"Success","authorities":[]},"errors":[]}
                """);

        assertThat(zarinPal().unverified(MERCHANT, Unit.IRR)).isEmpty();
    }

    @Test
    void tomanNeedsAWholeNumberOfTomanAndFailsBeforeAnyHttp() {
        assertThatThrownBy(() -> zarinPal()
                        .request(
                                MERCHANT,
                                500_005,
                                Unit.IRT,
                                "credits",
                                "https://app.example/back",
                                null,
                                null,
                                null,
                                null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10");
        assertThatThrownBy(() -> zarinPal().verify(MERCHANT, 500_005, Unit.IRT, AUTHORITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sent).isEmpty();
    }

    @Test
    void explainNamesUnknownCodes() {
        assertThat(ZarinPal.explain(-50)).isEqualTo("the amount differs from the payment's");
        assertThat(ZarinPal.explain(101)).isEqualTo("already verified");
        assertThat(ZarinPal.explain(-999)).isEqualTo("ZarinPal code -999");
    }
}
