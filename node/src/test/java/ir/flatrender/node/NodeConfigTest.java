package ir.flatrender.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    @Test
    void defaultsArePinned() {
        NodeConfig config = NodeConfig.defaults("farm:7600", "token", "node-1", Path.of("/var/node"));
        assertThat(config.slots()).isEqualTo(1);
        assertThat(config.workDirectory()).isEqualTo(Path.of("/var/node/work"));
        assertThat(config.cacheDirectory()).isEqualTo(Path.of("/var/node/cache"));
        assertThat(config.ffmpeg()).isEmpty();
        assertThat(config.cacheBudgetBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(config.engines().remotionRunner()).isEmpty();
        assertThat(config.engines().aerender()).isEmpty();
        assertThat(config.engines().noProgressTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.trustedCertificates()).isEmpty();
        assertThat(config.chunkDeadline()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.noProgressTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.uploadDeadline()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.minBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> NodeConfig.defaults("farm", "t", "n", Path.of("d")))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> NodeConfig.defaults("farm:7600", "", "n", Path.of("d")))
                .hasMessageContaining("token");
        assertThatThrownBy(() ->
                        NodeConfig.defaults("farm:7600", "t", "n", Path.of("d")).withSlots(0))
                .hasMessageContaining("slots");
    }
}
