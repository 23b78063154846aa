package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.CancelJobRequest;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.FailureKind;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.Leaving;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's {@code FAILURE_KIND_CANCELLED} report about an attempt the orchestrator still holds on
 * it: the orchestrator takes an attempt back before it tells a node to stop it, so such a report
 * is the node stopping work on its own. It gives the attempt back uncounted only after the node
 * said {@code Leaving}; otherwise it is a failure on record, so that no node can hand a chunk back
 * for ever without a failure counted.
 */
class CancelledReportsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;
    private static final List<String> submitted = new java.util.ArrayList<>();

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                // A lease no test here outlives: only the reports decide.
                config -> config.scheduler(new SchedulerConfig(
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(30),
                        Duration.ZERO)));
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    /** Each test's job ends with it, so that no later test's node is handed its chunk. */
    @AfterEach
    void cancelJobs() {
        for (String jobId : submitted) {
            if (job(jobId).getState() == JobState.JOB_STATE_FAILED) {
                continue;
            }
            JobServiceGrpc.newBlockingStub(orchestrator.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .cancelJob(CancelJobRequest.newBuilder()
                            .setJobId(jobId)
                            .setReason("test over")
                            .build());
        }
        submitted.clear();
    }

    @Test
    @DisplayName("a cancelled report the orchestrator never asked for is a failure on record, counted,"
            + " and the job ends at its attempt limit")
    void anUnaskedCancelIsAFailure() throws Exception {
        String jobId = submit("unasked", 2);
        try (TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "quitter", 1)) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                AssignChunk assign = nextAssignment(node, jobId);
                assertThat(assign.getChunk().getAttempt()).isEqualTo(attempt);
                node.send(cancelled(assign));
            }
            Job ended = await(jobId, job -> job.getState() == JobState.JOB_STATE_FAILED);
            assertThat(ended.getState())
                    .as("two unasked cancels spend the job's two attempts")
                    .isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(crashes(jobId))
                    .hasSize(2)
                    .allSatisfy(crash -> {
                        assertThat(crash.getKind()).isEqualTo("node_lost");
                        // Counted like a lost attempt, never read as the job's own fault.
                        assertThat(crash.getNodeName()).isEqualTo("quitter");
                        assertThat(crash.getMessage()).contains("unasked");
                    })
                    .extracting(Crash::getAttempt)
                    .containsExactlyInAnyOrder(1L, 2L);
            assertThat(chunkRow(jobId)).containsEntry("failures", 2);
        }
    }

    @Test
    @DisplayName("after Leaving, a cancelled report gives the attempt back uncounted, and the leaving node"
            + " gets no new work: the chunk goes to another node")
    void aLeavingNodesCancelIsAReturn() throws Exception {
        String jobId = submit("leaving", 3);
        try (TestingNodeStream leaving = TestingNodeStream.connect(orchestrator.channel(), "leaver", 1)) {
            AssignChunk first = nextAssignment(leaving, jobId);
            leaving.send(NodeEvent.newBuilder()
                    .setLeaving(Leaving.newBuilder().setReason("node shutting down"))
                    .build());
            leaving.send(cancelled(first));
            await(jobId, job -> job.getChunks(0).getNodeName().isEmpty());
            assertThat(chunkRow(jobId)).containsEntry("failures", 0).containsEntry("state", "pending");

            try (TestingNodeStream other = TestingNodeStream.connect(orchestrator.channel(), "stayer", 1)) {
                AssignChunk second = nextAssignment(other, jobId);
                assertThat(second.getChunk().getChunkId())
                        .isEqualTo(first.getChunk().getChunkId());
                assertThat(second.getChunk().getAttempt()).isEqualTo(2);
                assertThat(leaving.takeQueued())
                        .as("the leaving node, with a free slot, was given nothing")
                        .noneMatch(NodeCommand::hasAssign);
                // Read while the other node still holds attempt 2: its stream's end, when this
                // block closes it, is a node_lost of its own, recorded whenever the orchestrator
                // gets to it (the CI run of stop 32 read it here once).
                assertThat(crashes(jobId)).isEmpty();
                assertThat(returns(jobId)).containsExactly("leaver 1");
            }
        }
    }

    @Test
    @DisplayName("a node that said Leaving and closed its stream with an attempt held gives it back:"
            + " no node_lost row, no failure counted")
    void aLeavingNodesStreamEndIsAReturn() throws Exception {
        String jobId = submit("gone", 3);
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "departer", 1);
        nextAssignment(node, jobId);
        node.send(
                NodeEvent.newBuilder().setLeaving(Leaving.getDefaultInstance()).build());
        node.close();
        await(jobId, job -> job.getChunks(0).getNodeName().isEmpty());
        assertThat(chunkRow(jobId)).containsEntry("failures", 0).containsEntry("state", "pending");
        assertThat(crashes(jobId)).isEmpty();
        assertThat(returns(jobId)).containsExactly("departer 1");
    }

    /** The job's returned attempts on record, as "node attempt". */
    private static List<String> returns(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT n.name || ' ' || r.attempt
                                FROM render.chunk_returns r JOIN render.nodes n ON n.id = r.node_id
                                WHERE r.job_id = :job ORDER BY r.created_at
                                """)
                        .bind("job", UUID.fromString(jobId))
                        .mapTo(String.class)
                        .list());
    }

    private static NodeEvent cancelled(AssignChunk assign) {
        return NodeEvent.newBuilder()
                .setChunkFailed(ChunkFailed.newBuilder()
                        .setChunk(assign.getChunk())
                        .setKind(FailureKind.FAILURE_KIND_CANCELLED)
                        .setMessage("cancelled: stopped")
                        .setExitCode(-1))
                .build();
    }

    /** A one-chunk job (the test card's frames in one chunk). */
    private static String submit(String title, int maxAttempts) {
        String jobId = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setMaxAttempts(maxAttempts)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue(title).build()))
                        .build())
                .getJob()
                .getId();
        submitted.add(jobId);
        return jobId;
    }

    private static Job job(String jobId) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getJob(GetJobRequest.newBuilder()
                        .setJobId(jobId)
                        .setIncludeChunks(true)
                        .build());
    }

    /** Polls the job until it satisfies {@code condition}, up to {@link #WAIT}. */
    private static Job await(String jobId, Predicate<Job> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Job job = job(jobId);
        while (!condition.test(job) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            job = job(jobId);
        }
        assertThat(condition).as("job %s: %s", jobId, job).accepts(job);
        return job;
    }

    private static List<Crash> crashes(String jobId) {
        return FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listCrashes(ListCrashesRequest.newBuilder().setJobId(jobId).build())
                .getCrashesList();
    }

    private static AssignChunk nextAssignment(TestingNodeStream node, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            NodeCommand command = node.nextAssign(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (command.getAssign().getChunk().getJobId().equals(jobId)) {
                return command.getAssign();
            }
        }
    }

    private static Map<String, Object> chunkRow(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT failures, state FROM render.frame_jobs WHERE job_id = :job")
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .one());
    }
}
