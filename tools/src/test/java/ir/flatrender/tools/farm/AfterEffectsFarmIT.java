package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * After Effects templates on the farm, through the fake aerender: rendered across two AE
 * nodes and assembled; a node without After Effects never gets their chunks; crashes, hangs
 * and errors end as failed chunks with their reason.
 */
class AfterEffectsFarmIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static TestingOrchestrator orchestrator;
    private static TestingNodes nodes;
    private static JobClient jobs;

    @BeforeAll
    static void start() throws Exception {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("ae-card", List.of("template.json", "card.aep"));
        Path aerender = FakeAerender.install(directory);
        EngineSettings afterEffects = new EngineSettings(
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.of(aerender),
                Duration.ofSeconds(5));
        nodes = new TestingNodes();
        nodes.start(orchestrator, "timeline-only", directory, 2, EngineSettings.timelineOnly());
        // ffmpeg's own watchdog shorter than a slow aerender run: it must not start before the
        // first frame is handed over.
        nodes.start(orchestrator, "ae-1", directory, 1, afterEffects, c -> c.noProgressTimeout(Duration.ofSeconds(2)));
        nodes.start(orchestrator, "ae-2", directory, 1, afterEffects, c -> c.noProgressTimeout(Duration.ofSeconds(2)));
        jobs = new JobClient(orchestrator.channel(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        nodes.close();
        orchestrator.close();
    }

    private static SubmitJobRequest.Builder request(String mode) {
        return SubmitJobRequest.newBuilder()
                .setTemplateId("ae-card")
                .setAspect("16:9")
                .setTier("360p")
                .setChunkFrames(10)
                .setMaxAttempts(1)
                .setBindings(Struct.newBuilder()
                        .putFields(
                                "title",
                                Value.newBuilder().setStringValue("سلام").build())
                        .putFields(
                                "mode", Value.newBuilder().setStringValue(mode).build()));
    }

    @Test
    void rendersAcrossBothAfterEffectsNodesAndNeverOnTheOther() throws Exception {
        Job submitted = jobs.submit(request("ok").build()).getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Job job = jobs.get(submitted.getId(), true);
        assertThat(job.getChunksList())
                .extracting(Chunk::getNodeName)
                .containsOnly("ae-1", "ae-2")
                .contains("ae-1", "ae-2");
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo.VideoStream video =
                    frames.probe(Path.of(job.getExport().getLocation())).video().orElseThrow();
            assertThat(video.frameCount()).isEqualTo(60);
            assertThat(video.width()).isEqualTo(640);
            assertThat(video.height()).isEqualTo(360);
        }
        // Each node reported what its cache holds, and the orchestrator recorded it.
        TestingNodes.eventually(Duration.ofSeconds(10), () -> {
            List<String> cached = postgres.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("""
                                    SELECT n.name || ' ' || c.template_id || ' v' || c.template_version
                                    FROM render.node_template_cache c JOIN render.nodes n ON n.id = c.node_id
                                    ORDER BY n.name
                                    """).mapTo(String.class).list());
            assertThat(cached).containsExactly("ae-1 ae-card v1", "ae-2 ae-card v1");
        });
    }

    @Test
    void aSlowAfterEffectsRenderIsNotTakenForAHungEncoder() throws Exception {
        // 600 ms a frame for 5 frames: 3 s before the first frame reaches ffmpeg.
        Job submitted = jobs.submit(request("slow")
                        .setFrames(ir.flatrender.proto.farm.v1.FrameRange.newBuilder()
                                .setStart(0)
                                .setEnd(4))
                        .build())
                .getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void crashesHangsAndErrorsEndAsFailedChunksWithTheirReason() throws Exception {
        Map<String, CompletableFuture<Job>> runs = List.of("crash", "hang", "error").stream()
                .collect(Collectors.toMap(
                        mode -> mode,
                        mode -> CompletableFuture.supplyAsync(() -> {
                            Job submitted = jobs.submit(request(mode)
                                            .setFrames(ir.flatrender.proto.farm.v1.FrameRange.newBuilder()
                                                    .setStart(0)
                                                    .setEnd(9))
                                            .build())
                                    .getJob();
                            jobs.follow(submitted.getId(), progress -> {});
                            return jobs.get(submitted.getId(), true);
                        })));
        Map<String, String> expected = Map.of(
                "crash", "crash: aerender exited with code 134",
                "hang", "hang: aerender showed no progress",
                "error", "bad_output: aerender reported an error");
        for (var run : runs.entrySet()) {
            Job job = run.getValue().get();
            assertThat(job.getState()).as(run.getKey()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(job.getError()).as(run.getKey()).contains(expected.get(run.getKey()));
            assertThat(job.getChunksList()).singleElement().satisfies(chunk -> {
                assertThat(chunk.getError()).contains(expected.get(run.getKey()));
                assertThat(chunk.getNodeName()).startsWith("ae-");
            });
            // And each is in render.node_crashes: its kind, exit code, signal and log.
            Map<String, Object> crash = postgres.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("""
                                    SELECT c.kind, c.exit_code, c.signal, c.engine, c.attempt, c.log_tail, n.name
                                    FROM render.node_crashes c JOIN render.nodes n ON n.id = c.node_id
                                    WHERE c.job_id = :job
                                    """)
                            .bind("job", java.util.UUID.fromString(job.getId()))
                            .mapToMap()
                            .one());
            assertThat(crash).containsEntry("engine", "aftereffects").containsEntry("attempt", 1L);
            assertThat((String) crash.get("name")).startsWith("ae-");
            switch (run.getKey()) {
                case "crash" -> {
                    assertThat(crash).containsEntry("kind", "crash").containsEntry("exit_code", 134);
                    assertThat(crash).containsEntry("signal", 6);
                    assertThat((String) crash.get("log_tail")).contains("After Effects error");
                }
                case "hang" -> assertThat(crash).containsEntry("kind", "hang");
                default -> {
                    assertThat(crash).containsEntry("kind", "bad_output").containsEntry("exit_code", 0);
                    assertThat((String) crash.get("log_tail")).contains("aerender ERROR");
                }
            }
        }
    }
}
