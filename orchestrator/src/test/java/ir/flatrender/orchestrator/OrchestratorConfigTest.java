package ir.flatrender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.orchestrator.jobs.EncoderSettings;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrchestratorConfigTest {
    @Test
    void defaultsArePinned() {
        OrchestratorConfig config = OrchestratorConfig.defaults(Path.of("data"), "0123456789abcdef");
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(7600);
        assertThat(config.tls()).isEmpty();
        assertThat(config.maxPackageBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(config.maxSegmentBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(config.verifySegments()).isTrue();
        assertThat(config.installSamples()).isTrue();
        assertThat(config.assemblyThreads()).isEqualTo(1);

        JobsConfig jobs = config.jobs();
        assertThat(jobs.defaultChunkFrames()).isEqualTo(30);
        assertThat(jobs.defaultMaxAttempts()).isEqualTo(3);
        assertThat(jobs.encoder())
                .isEqualTo(new EncoderSettings("libx264", "veryfast", 18, "yuv420p", "mpegts", "high"));

        SchedulerConfig scheduler = config.scheduler();
        assertThat(scheduler.leaseTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(scheduler.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(scheduler.idleRecheck()).isEqualTo(Duration.ofSeconds(1));
        assertThat(scheduler.affinityWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(scheduler.retryElsewhereWindow()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> OrchestratorConfig.defaults(Path.of("data"), "short"))
                .hasMessageContaining("farm token");
        assertThatThrownBy(() -> OrchestratorConfig.defaults(Path.of("d"), "0123456789abcdef")
                        .withListen("h", 70000))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> new SchedulerConfig(
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(10)))
                .hasMessageContaining("three heartbeat intervals");
        assertThatThrownBy(() -> new JobsConfig(0, 3, EncoderSettings.DEFAULT))
                .hasMessageContaining("defaultChunkFrames");
    }
}
