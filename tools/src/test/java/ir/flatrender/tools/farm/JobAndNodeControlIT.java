package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkState;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators steering work on a farm of two After Effects nodes (the fake aerender, 3 s a
 * chunk): pause and resume, priority, cancel (no engine process left) and retry (only what was
 * not done renders again), drain, disable and enable.
 */
class JobAndNodeControlIT {
    private static final int FRAMES = 30;
    private static final int CHUNK = 5;

    /** A farm of its own: its tests pause, cancel, drain and disable. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.aeCard("ae-1", "ae-2"));

    @TempDir
    static Path directory;

    private static JobClient jobs;
    private static AdminClient admin;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        jobs = farm.farm().jobs();
        admin = farm.farm().admin();
        jdbi = farm.farm().jdbi();
    }

    private static String submit(String title, int frames) {
        return jobs.submit(FarmChecks.slowAeJob(frames, CHUNK, title)).getJob().getId();
    }

    private static long inState(Job job, ChunkState state) {
        return job.getChunksList().stream().filter(c -> c.getState() == state).count();
    }

    private static Job awaitRunning(String jobId, int chunks) {
        return FarmChecks.await(
                jobs, jobId, job -> inState(job, ChunkState.CHUNK_STATE_RUNNING) == chunks, Duration.ofSeconds(60));
    }

    private static void assertSucceeded(Job job, int frames) {
        assertThat(job.getState()).as(job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(job.getExport().getFrameCount()).isEqualTo(frames);
        FarmChecks.assertEachChunkAcceptedOnce(jdbi, job.getId(), frames / CHUNK);
    }

    /** The fake aerender processes running under this JVM (the nodes' engines). */
    private static List<ProcessHandle> engineProcesses() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(FakeAerender.class.getName()))
                .toList();
    }

    @Test
    void aPausedJobHandsOutNothingWhileAnotherRunsAndResumedItFinishes() {
        String paused = submit("paused", FRAMES);
        awaitRunning(paused, 2);
        assertThat(jobs.pause(paused, "test").getState()).isEqualTo(JobState.JOB_STATE_PAUSED);

        // Both slots go to the other job meanwhile; the paused job's two chunks finished.
        Job other = FarmChecks.awaitEnd(jobs, submit("meanwhile", 10), Duration.ofSeconds(60));
        assertSucceeded(other, 10);
        Job held = jobs.get(paused, true);
        assertThat(held.getState()).isEqualTo(JobState.JOB_STATE_PAUSED);
        assertThat(held.getChunksDone()).isEqualTo(2);
        assertThat(inState(held, ChunkState.CHUNK_STATE_PENDING)).isEqualTo(FRAMES / CHUNK - 2);

        assertThat(jobs.resume(paused, "test").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        assertSucceeded(FarmChecks.awaitEnd(jobs, paused, Duration.ofSeconds(60)), FRAMES);
        assertThatThrownBy(() -> jobs.resume(paused, "again"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void aJobRaisedInPriorityOvertakesOneQueuedBeforeIt() {
        String low = submit("low", FRAMES);
        awaitRunning(low, 2);
        String high = submit("high", 10);
        assertThat(jobs.setPriority(high, 50).getPriority()).isEqualTo(50);
        assertSucceeded(FarmChecks.awaitEnd(jobs, high, Duration.ofSeconds(60)), 10);
        assertSucceeded(FarmChecks.awaitEnd(jobs, low, Duration.ofSeconds(60)), FRAMES);
        Map<String, Instant> lastAssigned = jdbi
                .withHandle(h -> h.createQuery("""
                                SELECT job_id::text AS job, max(assigned_at) AS at FROM render.frame_jobs
                                WHERE job_id IN (:low, :high) GROUP BY job_id
                                """)
                        .bind("low", UUID.fromString(low))
                        .bind("high", UUID.fromString(high))
                        .mapToMap()
                        .list())
                .stream()
                .collect(Collectors.toMap(
                        row -> (String) row.get("job"), row -> ((java.sql.Timestamp) row.get("at")).toInstant()));
        assertThat(lastAssigned.get(high)).isBefore(lastAssigned.get(low));
    }

    @Test
    void cancellingStopsEveryEngineProcessAndARetryRendersOnlyWhatWasNotDone() throws Exception {
        String jobId = submit("cancel-retry", FRAMES);
        FarmChecks.await(
                jobs,
                jobId,
                job -> job.getChunksDone() >= 2 && inState(job, ChunkState.CHUNK_STATE_RUNNING) == 2,
                Duration.ofSeconds(60));
        TestingNodes.eventually(
                Duration.ofSeconds(10), () -> assertThat(engineProcesses()).isNotEmpty());
        Map<String, Long> doneBefore = jobs.get(jobId, true).getChunksList().stream()
                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_DONE)
                .collect(Collectors.toMap(Chunk::getId, Chunk::getAttempt));

        assertThat(jobs.cancel(jobId, "test").getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        // Within seconds no engine process of it is left, and the slots are free.
        TestingNodes.eventually(Duration.ofSeconds(10), () -> {
            assertThat(engineProcesses()).isEmpty();
            assertThat(admin.list(List.of()))
                    .allSatisfy(node -> assertThat(node.getRunningChunks()).isZero());
        });

        Job retried = jobs.retry(jobId, "test");
        assertThat(retried.getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
        Job finished = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(60));
        assertSucceeded(finished, FRAMES);
        for (Chunk chunk : jobs.get(jobId, true).getChunksList()) {
            if (doneBefore.containsKey(chunk.getId())) {
                assertThat(chunk.getAttempt())
                        .as("a chunk done before the cancel is not rendered again")
                        .isEqualTo(doneBefore.get(chunk.getId()));
            }
        }
        assertThat(FarmChecks.crashes(jdbi, jobId)).isEmpty();
        assertThat(FarmChecks.repairs(jdbi, jobId)).isEmpty();
        FarmChecks.assertSameFramesAsCleanRun(
                jobs, jobId, FarmChecks.slowAeJob(FRAMES, CHUNK, "cancel-retry"), directory);
    }

    @Test
    void aDrainedNodeFinishesItsChunkAndADisabledOneGivesItsChunkBack() {
        String jobId = submit("drain", FRAMES);
        Job running = awaitRunning(jobId, 2);
        Chunk onFirst = running.getChunksList().stream()
                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING
                        && c.getNodeName().equals("ae-1"))
                .findFirst()
                .orElseThrow();
        Chunk onSecond = running.getChunksList().stream()
                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING
                        && c.getNodeName().equals("ae-2"))
                .findFirst()
                .orElseThrow();
        long doneOnFirstBefore = running.getChunksList().stream()
                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_DONE
                        && c.getNodeName().equals("ae-1"))
                .count();
        try {
            assertThat(admin.drain("ae-1", "test").getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
            assertThat(admin.disable("ae-2", "test").getState()).isEqualTo(NodeState.NODE_STATE_DISABLED);

            // ae-1 finishes its chunk and takes no other; ae-2's went back to pending.
            Job stalled = FarmChecks.await(
                    jobs,
                    jobId,
                    job -> job.getChunksList().stream()
                                    .anyMatch(c -> c.getId().equals(onFirst.getId())
                                            && c.getState() == ChunkState.CHUNK_STATE_DONE)
                            && inState(job, ChunkState.CHUNK_STATE_RUNNING) == 0
                            && inState(job, ChunkState.CHUNK_STATE_ASSIGNED) == 0,
                    Duration.ofSeconds(30));
            Chunk given = stalled.getChunksList().stream()
                    .filter(c -> c.getId().equals(onSecond.getId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(given.getState()).isEqualTo(ChunkState.CHUNK_STATE_PENDING);
            assertThat(stalled.getChunksList().stream()
                            .filter(c -> c.getId().equals(onFirst.getId()))
                            .findFirst()
                            .orElseThrow()
                            .getAttempt())
                    .isEqualTo(onFirst.getAttempt());
            TestingNodes.eventually(
                    Duration.ofSeconds(10), () -> assertThat(engineProcesses()).isEmpty());

            assertThat(admin.enable("ae-2").getState()).isEqualTo(NodeState.NODE_STATE_ONLINE);
            Job finished = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(90));
            assertSucceeded(finished, FRAMES);
            List<Chunk> chunks = jobs.get(jobId, true).getChunksList();
            assertThat(chunks.stream().filter(c -> c.getNodeName().equals("ae-1")))
                    .as("ae-1 took nothing after it was drained")
                    .hasSize((int) doneOnFirstBefore + 1);
            assertThat(chunks.stream()
                            .filter(c -> c.getId().equals(onSecond.getId()))
                            .findFirst()
                            .orElseThrow()
                            .getAttempt())
                    .isEqualTo(onSecond.getAttempt() + 1);
            assertThat(FarmChecks.crashes(jdbi, jobId)).isEmpty();

            assertThatThrownBy(() -> admin.enable("ae-2"))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
            assertThatThrownBy(() -> admin.drain("no-such-node", "test"))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        } finally {
            for (String node : List.of("ae-1", "ae-2")) {
                if (admin.get(node).getState() != NodeState.NODE_STATE_ONLINE) {
                    admin.enable(node);
                }
            }
        }
    }
}
