package ir.flatrender.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.gateway.GatewayConfig.Farm;
import ir.flatrender.gateway.GatewayConfig.Limits;
import ir.flatrender.gateway.GatewayConfig.Listen;
import ir.flatrender.gateway.GatewayConfig.Site;
import ir.flatrender.gateway.GatewayConfig.Tokens;
import ir.flatrender.gateway.GatewayConfig.Webhooks;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.media.tls.CertificateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    private static final Map<String, byte[]> KEYS = Map.of("k1", new byte[32]);
    private static final byte[] MASTER_KEY = new byte[32];

    /**
     * Every default, written out: changing one fails here on purpose. The keys are compared by
     * reference (a record compares arrays so), which is what the builder keeps.
     */
    @Test
    void defaultsArePinned() {
        assertThat(GatewayConfig.defaults("farm:7600", "gateway token", KEYS, MASTER_KEY))
                .isEqualTo(new GatewayConfig(
                        new Listen("0.0.0.0", 7700),
                        new Farm(
                                "farm:7600",
                                "gateway token",
                                Optional.empty(),
                                Optional.empty(),
                                Duration.ofSeconds(10),
                                Optional.empty()),
                        new Tokens(KEYS, Duration.ofMinutes(15), Duration.ofDays(30)),
                        MASTER_KEY,
                        new Limits(DataSize.ofMebibytes(1), 600, 1200),
                        new Webhooks(
                                List.of(
                                        Duration.ofSeconds(5),
                                        Duration.ofMinutes(5),
                                        Duration.ofMinutes(30),
                                        Duration.ofHours(2),
                                        Duration.ofHours(5),
                                        Duration.ofHours(10),
                                        Duration.ofHours(14),
                                        Duration.ofHours(20),
                                        Duration.ofHours(20)),
                                Duration.ofSeconds(1),
                                false),
                        Duration.ofSeconds(1),
                        new Site("ir/flatrender/web/site", Optional.empty())));
    }

    @Test
    void theBuilderSetsEachValueAndToBuilderKeepsThemAll() {
        GatewayConfig expected = new GatewayConfig(
                new Listen("127.0.0.1", 0),
                new Farm(
                        "farm:7600",
                        "gateway token",
                        Optional.of(Path.of("ca.pem")),
                        Optional.of(new CertificateFiles(Path.of("gateway.pem"), Path.of("gateway-key.pem"))),
                        Duration.ofSeconds(3),
                        Optional.of("console token")),
                new Tokens(KEYS, Duration.ofMinutes(5), Duration.ofDays(1)),
                MASTER_KEY,
                new Limits(DataSize.ofKibibytes(64), 5, 6),
                new Webhooks(List.of(Duration.ofMillis(300)), Duration.ofMillis(100), true),
                Duration.ofSeconds(7),
                new Site("testing/site", Optional.of(Instant.parse("2027-03-21T00:00:00Z"))));

        GatewayConfig built = GatewayConfig.builder("farm:7600", "gateway token", KEYS, MASTER_KEY)
                .listen("127.0.0.1", 0)
                .farmTrustCertificates(Optional.of(Path.of("ca.pem")))
                .farmClientCertificate(
                        Optional.of(new CertificateFiles(Path.of("gateway.pem"), Path.of("gateway-key.pem"))))
                .farmDeadline(Duration.ofSeconds(3))
                .consoleToken(Optional.of("console token"))
                .accessTokenLifetime(Duration.ofMinutes(5))
                .refreshTokenLifetime(Duration.ofDays(1))
                .maxBodySize(DataSize.ofKibibytes(64))
                .requestsPerMinutePerIp(5)
                .requestsPerMinutePerKey(6)
                .webhookSchedule(List.of(Duration.ofMillis(300)), Duration.ofMillis(100))
                .allowPrivateWebhooks(true)
                .settlePeriod(Duration.ofSeconds(7))
                .siteClasspathRoot("testing/site")
                .comingSoon(Optional.of(Instant.parse("2027-03-21T00:00:00Z")))
                .build();

        assertThat(built).isEqualTo(expected);
        assertThat(built.toBuilder().build()).isEqualTo(expected);
    }

    @Test
    void secretsAreLeftOutOfToString() {
        String text = GatewayConfig.builder("farm:7600", "gateway token", KEYS, MASTER_KEY)
                .consoleToken(Optional.of("console token"))
                .build()
                .toString();
        assertThat(text)
                .contains("farm:7600")
                .contains("k1")
                .doesNotContain("gateway token")
                .doesNotContain("console token");
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> GatewayConfig.defaults("farm:7600", "t", KEYS, new byte[16]))
                .hasMessage("the master key is 32 bytes");
        assertThatThrownBy(() -> GatewayConfig.builder("farm:7600", "t", KEYS, MASTER_KEY)
                        .listen("0.0.0.0", 65536)
                        .build())
                .hasMessage("port must be 0 to 65535 but was 65536");
        assertThatThrownBy(() -> GatewayConfig.builder("farm:7600", "t", KEYS, MASTER_KEY)
                        .farmClientCertificate(
                                Optional.of(new CertificateFiles(Path.of("g.pem"), Path.of("g-key.pem"))))
                        .build())
                .hasMessage("a client certificate needs TLS: give the CA certificates too");
        assertThatThrownBy(() -> GatewayConfig.builder("farm:7600", "t", KEYS, MASTER_KEY)
                        .maxBodySize(DataSize.ofBytes(1000))
                        .build())
                .hasMessage("maxBodySize must be at least 1KiB but was 1000B");
        assertThatThrownBy(() -> GatewayConfig.builder("farm:7600", "t", KEYS, MASTER_KEY)
                        .requestsPerMinutePerKey(0)
                        .build())
                .hasMessage("rate limits must be at least 1 a minute");
        assertThatThrownBy(() -> GatewayConfig.builder("farm:7600", "t", KEYS, MASTER_KEY)
                        .siteClasspathRoot("site/../secrets")
                        .build())
                .hasMessage("the site's classpath root is folder names joined by /, but was site/../secrets");
        assertThatThrownBy(
                        () -> GatewayConfig.builder(null, "t", KEYS, MASTER_KEY).build())
                .hasMessage("orchestrator is null");
    }
}
