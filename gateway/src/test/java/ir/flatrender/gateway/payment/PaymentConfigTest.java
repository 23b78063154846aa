package ir.flatrender.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PaymentConfigTest {
    private static final String MERCHANT = "11111111-2222-3333-4444-555555555555";

    @Test
    void theDefaultsArePinned() {
        assertThat(PaymentConfig.defaults(ZarinPal.PRODUCTION, MERCHANT))
                .isEqualTo(new PaymentConfig(
                        ZarinPal.PRODUCTION,
                        MERCHANT,
                        ZarinPal.Unit.IRR,
                        Optional.empty(),
                        Duration.ofMinutes(30),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(15),
                        WebhookDeliverer.SCHEDULE,
                        Duration.ofSeconds(1),
                        false,
                        2_000_000_000L,
                        Duration.ofSeconds(3)));
        assertThat(PaymentConfig.dev(ZarinPal.SANDBOX, MERCHANT).allowPrivateWebhooks())
                .isTrue();
    }

    @Test
    void aLimitBelowTheMinimumOrANegativeWaitIsRefused() {
        assertThatThrownBy(() -> withLimits(9_999, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("largest amount");
        assertThatThrownBy(() -> withLimits(2_000_000_000L, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(withLimits(10_000, Duration.ZERO).maxAmountRial()).isEqualTo(10_000);
    }

    private static PaymentConfig withLimits(long maxAmountRial, Duration callbackWait) {
        PaymentConfig d = PaymentConfig.defaults(ZarinPal.PRODUCTION, MERCHANT);
        return new PaymentConfig(
                d.zarinPalUrl(),
                d.merchantId(),
                d.unit(),
                d.publicUrl(),
                d.pendingExpiry(),
                d.reconcilePeriod(),
                d.zarinPalTimeout(),
                d.returnLifetime(),
                d.webhookSchedule(),
                d.webhookPoll(),
                false,
                maxAmountRial,
                callbackWait);
    }

    @Test
    void theBackoffDoublesFromAMinuteToAnHour() {
        assertThat(Settlements.backoff(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Settlements.backoff(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Settlements.backoff(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(Settlements.backoff(7)).isEqualTo(Duration.ofHours(1));
        assertThat(Settlements.backoff(50)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void textWithANulOrALoneSurrogateIsNamed() {
        assertThat(PaymentText.problem("ok ✓ 😀")).isEmpty();
        assertThat(PaymentText.problem("a\u0000b"))
                .hasValueSatisfying(why -> assertThat(why).contains("NUL"));
        assertThat(PaymentText.problem("a\ud800"))
                .hasValueSatisfying(why -> assertThat(why).contains("U+D800"));
        assertThat(PaymentText.problem("\udc00a"))
                .hasValueSatisfying(why -> assertThat(why).contains("U+DC00"));
        assertThat(PaymentText.printable("a\u0000\ud800😀")).isEqualTo("a\uFFFD\uFFFD😀");
    }

    @Test
    void reservedReturnParametersAreFoundInAnyCaseAndEncoding() {
        assertThat(PaymentRoutes.reservedParameter("https://s.example/r?order=1"))
                .isEmpty();
        assertThat(PaymentRoutes.reservedParameter("https://s.example/r?flatpay_status=paid"))
                .contains("flatpay_status");
        assertThat(PaymentRoutes.reservedParameter("https://s.example/r?a=1&FlatPay_Id"))
                .contains("FlatPay_Id");
        assertThat(PaymentRoutes.reservedParameter("https://s.example/r?flatpay%5Fref_id=1"))
                .contains("flatpay_ref_id");
    }
}
