package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.templates.TemplateClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator, in its own JVM, killed with SIGKILL in the middle of a job and started
 * again: the nodes keep rendering, reconnect, report what they run, keep the attempts that
 * are still current, and the job ends as a clean run of it would, no chunk counted twice.
 */
class OrchestratorRestartIT {
    private static final int FRAMES = 30;

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static OrchestratorProcess orchestrator;
    private static TestingNodes nodes;
    private static ManagedChannel channel;
    private static JobClient jobs;

    @BeforeAll
    static void start() throws Exception {
        String token = FarmToken.generate();
        orchestrator = new OrchestratorProcess(
                postgres.config(),
                directory.resolve("orchestrator"),
                token,
                // The restart's grace is one lease: long enough for the nodes' reconnect backoff
                // on a loaded two-core machine (a 6 s lease lost chunks there, and the test).
                List.of("--lease-timeout", "15s", "--heartbeat-interval", "1s"));
        orchestrator.start();
        channel = orchestrator.connect();
        jobs = new JobClient(channel, Duration.ofSeconds(20));
        new TemplateClient(channel, Duration.ofSeconds(30))
                .push(
                        TemplatePackage.fromClassPath(
                                        OrchestratorRestartIT.class.getClassLoader(),
                                        "templates/ae-card",
                                        List.of("template.json", "card.aep"))
                                .toZip(),
                        "");
        EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
        nodes = new TestingNodes();
        for (String name : List.of("ae-1", "ae-2")) {
            nodes.start(orchestrator.target(), token, name, directory, 1, afterEffects, config -> config);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    private static SubmitJobRequest slowJob() {
        // Chunks of 5 frames, 3 s each on their node.
        return FarmChecks.slowAeJob(FRAMES, 5, "restart");
    }

    private static Job await(String jobId, Predicate<Job> condition, Duration timeout) {
        return FarmChecks.await(jobs, jobId, condition, timeout);
    }

    private static Map<String, Long> attempts(String jobId) {
        return postgres
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT id, attempt FROM render.frame_jobs WHERE job_id = :job")
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .list())
                .stream()
                .collect(Collectors.toMap(row -> row.get("id").toString(), row -> (Long) row.get("attempt")));
    }

    @Test
    void aJobSurvivesItsOrchestratorKilledMidChunk() throws Exception {
        String jobId = jobs.submit(slowJob()).getJob().getId();
        // Both nodes in the middle of a chunk, some chunks already done.
        Job before = await(
                jobId,
                job -> job.getChunksDone() >= 2
                        && job.getChunksList().stream()
                                        .filter(chunk -> chunk.getState().name().endsWith("RUNNING"))
                                        .count()
                                == 2,
                Duration.ofSeconds(60));
        List<String> runningAtKill = before.getChunksList().stream()
                .filter(chunk -> chunk.getState().name().endsWith("RUNNING"))
                .map(Chunk::getId)
                .toList();
        Map<String, Long> attemptsAtKill = attempts(jobId);

        orchestrator.kill();
        orchestrator.start();

        Job finished = await(
                jobId,
                job -> job.getState() != JobState.JOB_STATE_RUNNING
                        && job.getState() != JobState.JOB_STATE_QUEUED
                        && job.getState() != JobState.JOB_STATE_ASSEMBLING,
                Duration.ofSeconds(120));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(FRAMES);

        // The chunks out on the nodes when it died were kept: the same attempt finished them.
        Map<String, Long> attemptsAfter = attempts(jobId);
        for (String chunk : runningAtKill) {
            assertThat(attemptsAfter.get(chunk))
                    .as("attempt of chunk %s", chunk)
                    .isEqualTo(attemptsAtKill.get(chunk));
        }
        // No chunk has two accepted attempts, and nothing failed.
        FarmChecks.assertEachChunkAcceptedOnce(postgres.database().jdbi(), jobId, FRAMES / 5);
        assertThat(FarmChecks.crashes(postgres.database().jdbi(), jobId)).isEmpty();
        assertThat(FarmChecks.repairs(postgres.database().jdbi(), jobId)).isEmpty();

        // The output is what a clean run of the same job makes, frame for frame.
        String cleanId = jobs.submit(slowJob()).getJob().getId();
        Job clean = await(
                cleanId,
                job -> job.getState() == JobState.JOB_STATE_SUCCEEDED || job.getState() == JobState.JOB_STATE_FAILED,
                Duration.ofSeconds(120));
        assertThat(clean.getState()).as(clean.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Path restarted = directory.resolve("restarted.mp4");
        Path cleanVideo = directory.resolve("clean.mp4");
        jobs.download(jobId, restarted);
        jobs.download(cleanId, cleanVideo);
        try (VideoFrames frames = new VideoFrames()) {
            List<byte[]> a = frames.decode(restarted, 640, 360);
            List<byte[]> b = frames.decode(cleanVideo, 640, 360);
            assertThat(a).hasSize(FRAMES).hasSameSizeAs(b);
            for (int n = 0; n < FRAMES; n++) {
                assertThat(a.get(n)).as("decoded frame %d", n).isEqualTo(b.get(n));
            }
        }
    }
}
