package ir.flatrender.orchestrator.failures;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, case 1: every attempt that ends without a result (its node gone, its lease run out)
 * is a failed attempt on record, counted toward the attempt limit and the per-job block, and
 * listed by {@code ListCrashes}.
 */
class LostAttemptsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                config -> config.scheduler(new SchedulerConfig(
                        Duration.ofMillis(1500),
                        Duration.ofMillis(300),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(30),
                        Duration.ZERO)));
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static String submit(String title, int chunkFrames) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(chunkFrames)
                        .setMaxAttempts(3)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue(title).build()))
                        .build())
                .getJob()
                .getId();
    }

    private static Job job(String jobId) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getJob(GetJobRequest.newBuilder()
                        .setJobId(jobId)
                        .setIncludeChunks(true)
                        .build());
    }

    private static List<Crash> crashes(String jobId) {
        return FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listCrashes(ListCrashesRequest.newBuilder().setJobId(jobId).build())
                .getCrashesList();
    }

    private static AssignChunk nextAssignment(TestingNodeStream node, String jobId) throws InterruptedException {
        while (true) {
            NodeCommand command = node.next(WAIT);
            if (command.hasAssign() && command.getAssign().getChunk().getJobId().equals(jobId)) {
                return command.getAssign();
            }
        }
    }

    private static List<Map<String, Object>> rows(String sql, String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(sql)
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .list());
    }

    @Test
    @DisplayName("case 1: a node whose heartbeats do not list its attempt loses it as lease_expired, on record,"
            + " and the job ends instead of looping past its attempt limit")
    void leasesThatRunOutAreFailedAttemptsOnRecord() throws Exception {
        String jobId = submit("no heartbeat", 60);
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "forgetful", 1);
        // Heartbeats that keep the stream alive but never list the attempt the node holds.
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(
                () -> node.send(NodeEvent.newBuilder()
                        .setHeartbeat(Heartbeat.newBuilder().setSentAtUnixMillis(System.currentTimeMillis()))
                        .build()),
                0,
                200,
                TimeUnit.MILLISECONDS);
        try {
            AssignChunk first = nextAssignment(node, jobId);
            assertThat(first.getChunk().getAttempt()).isEqualTo(1);

            long deadline = System.nanoTime() + WAIT.toNanos();
            Job ended = job(jobId);
            while (ended.getState() != JobState.JOB_STATE_FAILED && System.nanoTime() < deadline) {
                Thread.sleep(100);
                ended = job(jobId);
            }
            assertThat(ended.getState()).as("the job ends").isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(ended.getError()).contains("lease_expired");
            assertThat(ended.getChunks(0).getAttempt())
                    .as("never an attempt past the limit")
                    .isLessThanOrEqualTo(3);

            List<Crash> recorded = crashes(jobId);
            assertThat(recorded).isNotEmpty().allSatisfy(crash -> {
                assertThat(crash.getKind()).isEqualTo("lease_expired");
                assertThat(crash.getNodeName()).isEqualTo("forgetful");
            });
            assertThat(recorded).extracting(Crash::getAttempt).doesNotHaveDuplicates();
            Map<String, Object> chunk = rows(
                            "SELECT failures, attempt FROM render.frame_jobs WHERE job_id = :job", jobId)
                    .get(0);
            assertThat(((Number) chunk.get("failures")).longValue())
                    .as("every lost attempt counted")
                    .isEqualTo(recorded.size())
                    .isEqualTo(((Number) chunk.get("attempt")).longValue());
        } finally {
            beats.shutdownNow();
            node.close();
        }
        // Gone before the next test submits, so it takes none of that test's chunks.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (admin().getNode(NodeRequest.newBuilder().setNode("forgetful").build())
                        .getConnected()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static FarmAdminServiceGrpc.FarmAdminServiceBlockingStub admin() {
        return FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("case 1: a node that vanishes with two chunks of a job leaves two node_lost rows, each chunk's"
            + " failure counted, and one count toward its per-job block")
    void aVanishedNodesAttemptsAreNodeLostOnRecord() throws Exception {
        String jobId = submit("vanished", 30);
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "vanishing", 2);
        AssignChunk a = nextAssignment(node, jobId);
        AssignChunk b = nextAssignment(node, jobId);
        assertThat(a.getChunk().getChunkId()).isNotEqualTo(b.getChunk().getChunkId());

        node.drop();

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (crashes(jobId).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(crashes(jobId))
                .hasSize(2)
                .allSatisfy(crash -> {
                    assertThat(crash.getKind()).isEqualTo("node_lost");
                    assertThat(crash.getNodeName()).isEqualTo("vanishing");
                    assertThat(crash.getAttempt()).isEqualTo(1);
                    assertThat(crash.getMessage()).contains("vanishing disconnected");
                })
                .extracting(Crash::getChunkId)
                .containsExactlyInAnyOrder(
                        a.getChunk().getChunkId(), b.getChunk().getChunkId());
        assertThat(rows("SELECT failures, state FROM render.frame_jobs WHERE job_id = :job", jobId))
                .allSatisfy(row -> {
                    assertThat(row).containsEntry("failures", 1).containsEntry("state", "pending");
                });
        assertThat(rows("SELECT failures, blocked FROM render.job_node_blocks WHERE job_id = :job", jobId))
                .singleElement()
                .satisfies(row -> assertThat(row).containsEntry("failures", 1).containsEntry("blocked", false));
    }
}
