package ir.flatrender.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.node.NodeConfig.Cache;
import ir.flatrender.node.NodeConfig.Connection;
import ir.flatrender.node.NodeConfig.Deadlines;
import ir.flatrender.node.engines.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    private static final Path DIRECTORY = Path.of("/var/node");

    /** Every default, written out: changing one fails here on purpose. */
    @Test
    void defaultsArePinned() {
        assertThat(NodeConfig.defaults("farm:7600", "token", "node-1", DIRECTORY))
                .isEqualTo(new NodeConfig(
                        "node-1",
                        1,
                        new Connection(
                                "farm:7600",
                                "token",
                                Optional.empty(),
                                Optional.empty(),
                                Duration.ofMillis(500),
                                Duration.ofSeconds(15)),
                        Path.of("/var/node/work"),
                        new Cache(Path.of("/var/node/cache"), DataSize.ofGibibytes(10)),
                        new EngineSettings(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Duration.ofSeconds(120),
                                Optional.empty()),
                        Optional.empty(),
                        new Deadlines(Duration.ofMinutes(30), Duration.ofSeconds(60), Duration.ofMinutes(10))));
        assertThat(NodeConfig.DEFAULT_CACHE_BUDGET).isEqualTo(DataSize.ofGibibytes(10));
    }

    @Test
    void theBuilderSetsEachValueAndToBuilderKeepsThemAll() {
        EngineSettings engines = EngineSettings.timelineOnly().withAerender(Path.of("/opt/ae/aerender"));
        NodeConfig expected = new NodeConfig(
                "node-2",
                4,
                new Connection(
                        "a:1,b:2",
                        "secret",
                        Optional.of(Path.of("ca.pem")),
                        Optional.of(new CertificateFiles(Path.of("node.pem"), Path.of("node-key.pem"))),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30)),
                Path.of("/scratch"),
                new Cache(Path.of("/packages"), DataSize.ofMebibytes(100)),
                engines,
                Optional.of(Path.of("/usr/bin/ffmpeg")),
                new Deadlines(Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofMinutes(2)));

        NodeConfig built = NodeConfig.builder("a:1,b:2", "secret", "node-2", DIRECTORY)
                .slots(4)
                .trustedCertificates(Optional.of(Path.of("ca.pem")))
                .clientCertificate(Optional.of(new CertificateFiles(Path.of("node.pem"), Path.of("node-key.pem"))))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .workDirectory(Path.of("/scratch"))
                .cacheDirectory(Path.of("/packages"))
                .cacheBudget(DataSize.ofMebibytes(100))
                .engines(engines)
                .ffmpeg(Optional.of(Path.of("/usr/bin/ffmpeg")))
                .chunkDeadline(Duration.ofMinutes(5))
                .noProgressTimeout(Duration.ofSeconds(20))
                .uploadDeadline(Duration.ofMinutes(2))
                .build();

        assertThat(built).isEqualTo(expected);
        assertThat(built.toBuilder().build()).isEqualTo(expected);
    }

    @Test
    void theFarmTokenIsLeftOutOfToString() {
        NodeConfig config = NodeConfig.defaults("farm:7600", "secret-token", "node-1", DIRECTORY);
        assertThat(config.toString()).doesNotContain("secret-token");
        assertThat(config.connection().toString()).doesNotContain("secret-token");
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> NodeConfig.defaults("farm", "t", "n", Path.of("d")))
                .hasMessage("orchestrator must be host:port, or several separated by commas, but was 'farm'");
        assertThatThrownBy(() -> NodeConfig.defaults("farm:7600", "", "n", Path.of("d")))
                .hasMessage("a farm token is required");
        assertThatThrownBy(() -> NodeConfig.defaults("farm:7600", "t", " ", Path.of("d")))
                .hasMessage("name must be 1-128 characters");
        assertThatThrownBy(() -> NodeConfig.builder("farm:7600", "t", "n", Path.of("d"))
                        .slots(0)
                        .build())
                .hasMessage("slots must be between 1 and 256 but was 0");
        assertThatThrownBy(() -> NodeConfig.builder("farm:7600", "t", "n", Path.of("d"))
                        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                        .build())
                .hasMessage("backoff must satisfy 0 < min ≤ max");
        assertThatThrownBy(() -> NodeConfig.builder("farm:7600", "t", "n", Path.of("d"))
                        .clientCertificate(Optional.of(new CertificateFiles(Path.of("n.pem"), Path.of("n-key.pem"))))
                        .build())
                .hasMessage("a client certificate needs TLS: give the CA certificates too");
        assertThatThrownBy(() -> NodeConfig.builder("farm:7600", "t", "n", Path.of("d"))
                        .cacheBudget(DataSize.ofBytes(0))
                        .build())
                .hasMessage("the cache budget must be positive but was 0B");
        assertThatThrownBy(() -> NodeConfig.builder("farm:7600", "t", "n", Path.of("d"))
                        .noProgressTimeout(Duration.ZERO)
                        .build())
                .hasMessage("the no-progress timeout must be positive but was PT0S");
    }
}
