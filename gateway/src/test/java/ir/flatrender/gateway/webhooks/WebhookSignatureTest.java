package ir.flatrender.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    // The example published with the Standard Webhooks specification.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecExampleSignsAndVerifies() {
        assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isTrue();
    }

    @Test
    void aChangedMessageFails() {
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", SIGNATURE, "{\"test\": 2432232315}", TIMESTAMP))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID + "x", "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265331", SIGNATURE, BODY, TIMESTAMP))
                .isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), ID, "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isFalse();
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayFail() {
        String fresh = "1614265330";
        assertThat(WebhookSignature.verify(SECRET, ID, fresh, SIGNATURE, BODY, TIMESTAMP + 300))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, fresh, SIGNATURE, BODY, TIMESTAMP - 300))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, fresh, SIGNATURE, BODY, TIMESTAMP + 301))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, fresh, SIGNATURE, BODY, TIMESTAMP - 301))
                .isFalse();
    }

    @Test
    void anyMatchingSignatureAmongSeveralPasses() {
        String other = "v1," + Base64.getEncoder().encodeToString(new byte[32]);
        String header = other + " v1a,c29tZSBhc3ltbWV0cmljIHNpZ25hdHVyZQ== " + SIGNATURE;
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", header, BODY, TIMESTAMP))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", other + " " + other, BODY, TIMESTAMP))
                .isFalse();
    }

    @Test
    void malformedHeadersFailWithoutThrowing() {
        String[] timestamps = {
            null,
            "",
            " 1614265330",
            "1614265330 ",
            "+1614265330",
            "-1614265330",
            "1614265330.0",
            "abc",
            "99999999999999999999999"
        };
        for (String timestamp : timestamps) {
            assertThat(WebhookSignature.verify(SECRET, ID, timestamp, SIGNATURE, BODY, TIMESTAMP))
                    .as("timestamp %s", timestamp)
                    .isFalse();
        }
        String[] signatures = {
            null,
            "",
            " ",
            "v1,",
            "v1",
            "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "v1,not base64!",
            "v1,g0hM9SsE",
            "v1,,,"
        };
        for (String signature : signatures) {
            assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", signature, BODY, TIMESTAMP))
                    .as("signature %s", signature)
                    .isFalse();
        }
        assertThat(WebhookSignature.verify(SECRET, null, "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "", "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", SIGNATURE, null, TIMESTAMP))
                .isFalse();
    }

    @Test
    void newSecretsRoundTrip() {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length())))
                .hasSize(32);
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
        String signature = WebhookSignature.sign(secret, "msg_1", 1_700_000_000L, "{}");
        assertThat(signature).startsWith("v1,");
        assertThat(WebhookSignature.verify(secret, "msg_1", "1700000000", signature, "{}", 1_700_000_100L))
                .isTrue();
    }

    @Test
    void anUnusableSecretIsAConfigurationError() {
        assertThatThrownBy(() -> WebhookSignature.sign("whsec_not base64!", ID, TIMESTAMP, BODY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSignature.verify("whsec_", ID, "1614265330", SIGNATURE, BODY, TIMESTAMP))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
