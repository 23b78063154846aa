package ir.flatrender.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The vectors of PAYMENTS.md, computed independently (Python's hmac) and checked by the SDK's tests too. */
class ClientSignatureTest {
    private static final String SECRET = "fps_test-secret-0123456789";
    private static final byte[] BODY = "{\"amount\":500000,\"order_id\":\"order-1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aCallIsSignedOverTheCanonicalString() {
        assertThat(ClientSignature.canonicalRequest(
                        "post", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY))
                .isEqualTo("FLATPAY-HMAC-SHA256\nPOST\n/v1/pay/request\n1764640000\nnonce-0123456789abcdef\n"
                        + "3a40e0dc2631b6ce00a7e3ea3b8417ffa1358657fd5e96eba3b578045fda62d5");
        String signature = ClientSignature.signRequest(
                SECRET, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY);
        assertThat(signature).isEqualTo("v1=154cf308b5602f3798112ab41c88efe9155c1255fe4d64c4ffded86b33412d19");
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY))
                .isTrue();
    }

    /**
     * Issue 15 case 4: the signature is over the X-FlatPay-Timestamp header's bytes, so a header
     * with a leading zero signs "01764640000" (PAYMENTS.md's second vector, Python's hmac).
     */
    @Test
    void case4ATimestampWithALeadingZeroIsSignedAsSent() {
        assertThat(ClientSignature.canonicalRequest(
                        "POST", "/v1/pay/request", "01764640000", "nonce-0123456789abcdef", BODY))
                .contains("\n01764640000\n");
        String signature = ClientSignature.signRequest(
                SECRET, "POST", "/v1/pay/request", "01764640000", "nonce-0123456789abcdef", BODY);
        assertThat(signature).isEqualTo("v1=1d68bf6c09b3e81e40d5536a84c0fdf7cb14667969bb6612c353d324d1508c8c");
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/request", "01764640000", "nonce-0123456789abcdef", BODY))
                .isTrue();
        // The same instant written without the zero is another string, another signature.
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY))
                .isFalse();
        assertThat(ClientSignature.parseTimestamp("01764640000")).isEqualTo(1764640000L);
    }

    @Test
    void anyChangeBreaksTheSignature() {
        String signature = ClientSignature.signRequest(
                SECRET, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY);
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/inquiry", 1764640000, "nonce-0123456789abcdef", BODY))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/request", 1764640001, "nonce-0123456789abcdef", BODY))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        SECRET, signature, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdeg", BODY))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        SECRET,
                        signature,
                        "POST",
                        "/v1/pay/request",
                        1764640000,
                        "nonce-0123456789abcdef",
                        "{\"amount\":500001,\"order_id\":\"order-1\"}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        "fps_other", signature, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        SECRET,
                        signature.substring(0, 40),
                        "POST",
                        "/v1/pay/request",
                        1764640000,
                        "nonce-0123456789abcdef",
                        BODY))
                .isFalse();
        assertThat(ClientSignature.requestMatches(
                        SECRET, null, "POST", "/v1/pay/request", 1764640000, "nonce-0123456789abcdef", BODY))
                .isFalse();
    }

    @Test
    void theReturnIsSignedOverItsFields() {
        assertThat(ClientSignature.signReturn(
                        SECRET, "6a3c0000-0000-4000-8000-000000000001", "order-1", "paid", "201", 1764640900))
                .isEqualTo("5e6e41ecf133a4f1d02a9d4a317ce9767c4c168d15b6083d5995a3577e98206c");
    }

    @Test
    void timestampsAreDecimalSeconds() {
        assertThat(ClientSignature.parseTimestamp("1764640000")).isEqualTo(1764640000L);
        assertThat(ClientSignature.parseTimestamp("-5")).isEqualTo(-1);
        assertThat(ClientSignature.parseTimestamp("1e9")).isEqualTo(-1);
        assertThat(ClientSignature.parseTimestamp(null)).isEqualTo(-1);
        assertThat(ClientSignature.parseTimestamp("9999999999999")).isEqualTo(-1);
    }
}
