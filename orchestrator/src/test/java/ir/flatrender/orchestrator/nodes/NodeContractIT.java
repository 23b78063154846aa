package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingSegments;
import ir.flatrender.orchestrator.testing.TestingUpload;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node contract's leases and upload limits (issue 16): a stalled upload is ended (case 4),
 * heartbeats are answered with the renewed expiries, and upload parts have a limit.
 */
class NodeContractIT {
    private static final Duration LEASE = Duration.ofSeconds(3);

    /**
     * A database and an orchestrator for each test: a job an earlier test's node left behind would
     * be handed to a later test's node, whose heartbeats do not list it, and its lost leases could
     * quarantine that node before the attempt the test waits for.
     */
    @RegisterExtension
    static final TestingPostgres postgres = TestingPostgres.perTest();

    private TestingOrchestrator orchestrator;

    @TempDir
    static Path directory;

    @BeforeEach
    void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                config -> config.scheduler(new SchedulerConfig(
                        LEASE, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO)));
        orchestrator.installTestTemplate("test-card");
    }

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    @DisplayName("case 4: header and one part, then silence while heartbeats go on: the attempt ends as a failure")
    void aStalledUploadIsEndedAndItsAttemptFailsWhileHeartbeatsContinue() throws Exception {
        String jobId = submit("stalled");
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "stalls", 4);
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try {
            NodeCommand welcome = node.next(Duration.ofSeconds(20));
            String nodeId = welcome.getWelcome().getNodeId();
            AssignChunk assign = assignmentOf(node, jobId);
            // The node keeps saying it runs attempt 1, as a node blocked in its upload would.
            heartbeats.scheduleWithFixedDelay(
                    () -> node.send(NodeEvent.newBuilder()
                            .setHeartbeat(Heartbeat.newBuilder().addRunning(assign.getChunk()))
                            .build()),
                    0,
                    500,
                    TimeUnit.MILLISECONDS);
            byte[] segment =
                    TestingSegments.segment(directory.resolve("stalled.ts"), 60, 30, 0, TestingSegments.BT709_LIMITED);
            TestingUpload upload = TestingUpload.begin(orchestrator.channel(), assign.getChunk(), nodeId, 60, segment);
            upload.send(Arrays.copyOf(segment, 65536));

            // Then nothing: the orchestrator ends the call within about one idle timeout (the lease).
            Status status = upload.result(LEASE.multipliedBy(4));

            assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(status.getDescription())
                    .contains("upload stalled")
                    .contains("after 65536 of " + segment.length + " bytes");
            List<Map<String, Object>> crashes = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT kind, attempt, message FROM render.node_crashes WHERE job_id = :id")
                            .bind("id", UUID.fromString(jobId))
                            .mapToMap()
                            .list());
            assertThat(crashes).singleElement().satisfies(row -> {
                assertThat(row)
                        .containsEntry("kind", ir.flatrender.orchestrator.failures.FailureKind.UPLOAD_STALLED.dbName())
                        .containsEntry("attempt", 1L);
                assertThat((String) row.get("message")).contains("upload stalled");
            });
            // Heartbeats still list attempt 1, yet the chunk goes out again as attempt 2.
            AssignChunk next = assignmentOf(node, jobId);
            assertThat(next.getChunk().getChunkId()).isEqualTo(assign.getChunk().getChunkId());
            assertThat(next.getChunk().getAttempt()).isEqualTo(2);
        } finally {
            heartbeats.shutdownNow();
            node.close();
        }
    }

    private String submit(String title) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue(title).build()))
                        .build())
                .getJob()
                .getId();
    }

    private static AssignChunk assignmentOf(TestingNodeStream node, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            assertThat(System.nanoTime()).as("an assignment of job %s", jobId).isLessThan(deadline);
            NodeCommand command = node.next(Duration.ofSeconds(20));
            if (command.hasAssign() && command.getAssign().getChunk().getJobId().equals(jobId)) {
                return command.getAssign();
            }
        }
    }

    @Test
    @DisplayName("contract: a heartbeat is answered with each renewed lease and its expiry, and only current ones")
    void aHeartbeatIsAnsweredWithTheRenewedExpiries() throws Exception {
        String jobId = submit("leases");
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "renewals", 4);
        try {
            node.next(Duration.ofSeconds(20));
            AssignChunk assign = assignmentOf(node, jobId);
            ChunkRef stale = assign.getChunk().toBuilder().setAttempt(7).build();
            long before = System.currentTimeMillis();
            node.send(NodeEvent.newBuilder()
                    .setHeartbeat(
                            Heartbeat.newBuilder().addRunning(assign.getChunk()).addRunning(stale))
                    .build());

            NodeCommand answer = node.next(Duration.ofSeconds(10));
            while (!answer.hasLeaseRenewal()) {
                answer = node.next(Duration.ofSeconds(10));
            }
            assertThat(answer.getLeaseRenewal().getLeasesList()).singleElement().satisfies(lease -> {
                assertThat(lease.getChunk()).isEqualTo(assign.getChunk());
                assertThat(lease.getLeaseExpiresAtUnixMillis())
                        .isBetween(before + LEASE.toMillis() - 1000, System.currentTimeMillis() + LEASE.toMillis());
            });
            Object stored = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT (extract(epoch FROM lease_expires_at) * 1000)::bigint"
                                            + " FROM render.frame_jobs WHERE id = :id")
                            .bind("id", UUID.fromString(assign.getChunk().getChunkId()))
                            .mapTo(Long.class)
                            .one());
            assertThat((Long) stored)
                    .isBetween(
                            answer.getLeaseRenewal().getLeases(0).getLeaseExpiresAtUnixMillis() - 1,
                            answer.getLeaseRenewal().getLeases(0).getLeaseExpiresAtUnixMillis() + 1500);
        } finally {
            node.close();
        }
    }

    @Test
    @DisplayName("contract: a data part over 1 MiB is INVALID_ARGUMENT naming the limit")
    void aPartOverTheLimitIsRefused() throws Exception {
        String jobId = submit("big part");
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "big-parts", 4);
        try {
            String nodeId = node.next(Duration.ofSeconds(20)).getWelcome().getNodeId();
            AssignChunk assign = assignmentOf(node, jobId);
            byte[] big = new byte[SegmentUploads.MAX_PART_BYTES + 1];

            Status status = TestingUpload.begin(orchestrator.channel(), assign.getChunk(), nodeId, 60, big)
                    .finish(big);

            assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("parts are at most 1048576 bytes");
        } finally {
            node.close();
        }
    }
}
