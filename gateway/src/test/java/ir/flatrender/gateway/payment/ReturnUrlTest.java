package ir.flatrender.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where the broker may send a client's buyer back: only under one of its registered return URLs. */
class ReturnUrlTest {
    private static final ClientApps.ClientApp APP = new ClientApps.ClientApp(
            UUID.randomUUID(),
            "meezi.ir",
            List.of("https://meezi.ir/pay/return", "https://shop.meezi.ir/checkout/"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            Instant.now());

    @Test
    void underARegisteredUrlIsAllowed() {
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return")).isTrue();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return?order=7"))
                .isTrue();
        assertThat(ClientApps.allowsReturn(APP, "https://MEEZI.ir:443/pay/return/done"))
                .isTrue();
        assertThat(ClientApps.allowsReturn(APP, "https://shop.meezi.ir/checkout/42"))
                .isTrue();
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(ClientApps.allowsReturn(APP, "http://meezi.ir/pay/return")).isFalse(); // scheme
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir:8443/pay/return"))
                .isFalse(); // port
        assertThat(ClientApps.allowsReturn(APP, "https://evil.example/pay/return"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir.evil.example/pay/return"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/returned"))
                .isFalse(); // not a segment
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return/../../admin"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return/%2e%2e/%2e%2e/admin"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return%2f..%2fadmin"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://user@meezi.ir/pay/return"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "https://meezi.ir/pay/return#x"))
                .isFalse();
        assertThat(ClientApps.allowsReturn(APP, "javascript:alert(1)")).isFalse();
        assertThat(ClientApps.allowsReturn(APP, "//meezi.ir/pay/return")).isFalse();
        assertThat(ClientApps.allowsReturn(APP, "not a url")).isFalse();
    }
}
