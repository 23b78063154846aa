package ir.flatrender.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTargetsTest {
    @ParameterizedTest
    @DisplayName("issue 14 case 14: every special-purpose range is refused in production")
    @ValueSource(
            strings = {
                "http://100.64.0.1/hook",
                "http://100.100.100.200/latest/meta-data",
                "http://198.18.0.1/",
                "http://198.19.255.254/",
                "http://[64:ff9b::a9fe:a9fe]/",
                "http://[2002:a9fe:a9fe::1]/",
                "http://255.255.255.255/",
                "http://169.254.169.254/latest/meta-data",
                "http://127.0.0.1/",
                "http://0.0.0.0/",
                "http://10.1.2.3/",
                "http://172.16.0.1/",
                "http://192.168.1.1/",
                "http://192.0.0.170/",
                "http://240.0.0.1/",
                "http://[::1]/",
                "http://[::]/",
                "http://[::ffff:127.0.0.1]/",
                "http://[fd00::1]/",
                "http://[fe80::1]/",
                "http://[2001:db8::1]/",
                "http://[2001::1]/",
                "http://[ff02::1]/"
            })
    void specialPurposeAddressesAreRefused(String url) {
        assertThat(WebhookTargets.problem(url, false)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/hook", "https://[2606:4700:4700::1111]/hook", "http://8.8.8.8/"})
    void ordinaryPublicAddressesAreTaken(String url) {
        assertThat(WebhookTargets.problem(url, false)).isEmpty();
    }
}
