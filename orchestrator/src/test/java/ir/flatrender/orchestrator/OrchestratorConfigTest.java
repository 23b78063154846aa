package ir.flatrender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.orchestrator.OrchestratorConfig.Limits;
import ir.flatrender.orchestrator.OrchestratorConfig.Listen;
import ir.flatrender.orchestrator.OrchestratorConfig.Storage;
import ir.flatrender.orchestrator.OrchestratorConfig.Tls;
import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.orchestrator.jobs.EncoderSettings;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrchestratorConfigTest {
    private static final Path DATA = Path.of("data");
    private static final String TOKEN = "0123456789abcdef";

    /** Every default, written out: changing one fails here on purpose. */
    @Test
    void defaultsArePinned() {
        assertThat(OrchestratorConfig.defaults(DATA, TOKEN))
                .isEqualTo(new OrchestratorConfig(
                        new Listen("127.0.0.1", 7600, Optional.empty()),
                        new Storage(DATA, DataSize.ofMebibytes(256), java.util.Optional.empty()),
                        TOKEN,
                        new Limits(DataSize.ofMebibytes(512), DataSize.ofGibibytes(2)),
                        // 0: chunks sized from the farm (ChunkSizing).
                        new JobsConfig(
                                0, 3, new EncoderSettings("libx264", "veryfast", 18, "yuv420p", "mpegts", "high")),
                        new SchedulerConfig(
                                Duration.ofSeconds(15),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(10)),
                        new HealthConfig(
                                Duration.ofSeconds(30),
                                Duration.ofDays(90),
                                2,
                                new QuarantinePolicy(
                                        3, 2, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(30))),
                        true,
                        true,
                        1));
        assertThat(OrchestratorConfig.DEFAULT_PORT).isEqualTo(7600);
    }

    @Test
    void theBuilderSetsEachValueAndToBuilderKeepsThemAll() {
        JobsConfig jobs = new JobsConfig(60, 5, EncoderSettings.DEFAULT);
        SchedulerConfig scheduler = new SchedulerConfig(
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                Duration.ofSeconds(20));
        HealthConfig health = new HealthConfig(Duration.ofMinutes(1), Duration.ofDays(60), 3);
        Optional<Tls> tls =
                Optional.of(new Tls(Path.of("cert.pem"), Path.of("key.pem"), Optional.of(Path.of("clients.pem"))));
        OrchestratorConfig expected = new OrchestratorConfig(
                new Listen("0.0.0.0", 0, tls),
                new Storage(DATA, DataSize.ofMebibytes(64), java.util.Optional.empty()),
                TOKEN,
                new Limits(DataSize.ofMebibytes(128), DataSize.ofGibibytes(1)),
                jobs,
                scheduler,
                health,
                false,
                false,
                0);

        OrchestratorConfig built = OrchestratorConfig.builder(DATA, TOKEN)
                .listen("0.0.0.0", 0)
                .tls(tls)
                .snapshotCacheSize(DataSize.ofMebibytes(64))
                .maxPackageSize(DataSize.ofMebibytes(128))
                .maxSegmentSize(DataSize.ofGibibytes(1))
                .jobs(jobs)
                .scheduler(scheduler)
                .health(health)
                .verifySegments(false)
                .installSamples(false)
                .assemblyThreads(0)
                .build();

        assertThat(built).isEqualTo(expected);
        assertThat(built.toBuilder().build()).isEqualTo(expected);
    }

    @Test
    void theFarmTokenIsLeftOutOfToString() {
        assertThat(OrchestratorConfig.defaults(DATA, TOKEN).toString())
                .startsWith("OrchestratorConfig[127.0.0.1:7600, data=data, tls=false")
                .doesNotContain(TOKEN);
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> OrchestratorConfig.defaults(DATA, "short"))
                .hasMessage("the farm token must be at least 16 characters");
        assertThatThrownBy(() -> OrchestratorConfig.builder(DATA, TOKEN)
                        .listen("h", 70000)
                        .build())
                .hasMessage("port must be between 0 and 65535 but was 70000");
        assertThatThrownBy(() -> OrchestratorConfig.builder(DATA, TOKEN)
                        .maxPackageSize(DataSize.ofBytes(1023))
                        .build())
                .hasMessage("maxPackageSize must be at least 1KiB but was 1023B");
        assertThatThrownBy(() -> OrchestratorConfig.builder(DATA, TOKEN)
                        .maxSegmentSize(DataSize.ofBytes(10))
                        .build())
                .hasMessage("maxSegmentSize must be at least 1KiB but was 10B");
        assertThatThrownBy(() -> OrchestratorConfig.builder(DATA, TOKEN)
                        .assemblyThreads(65)
                        .build())
                .hasMessage("assemblyThreads must be between 0 and 64 but was 65");
        assertThatThrownBy(
                        () -> OrchestratorConfig.builder(DATA, TOKEN).tls(null).build())
                .hasMessage("tls is null");
        assertThatThrownBy(() -> new SchedulerConfig(
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(10)))
                .hasMessageContaining("three heartbeat intervals");
        assertThatThrownBy(() -> new JobsConfig(-1, 3, EncoderSettings.DEFAULT))
                .hasMessage("defaultChunkFrames must be between 0 (from the farm) and 10000 but was -1");
        assertThat(JobsConfig.defaults().chunksFromFarm()).isTrue();
        assertThat(JobsConfig.fixedChunks(30).chunksFromFarm()).isFalse();
    }
}
