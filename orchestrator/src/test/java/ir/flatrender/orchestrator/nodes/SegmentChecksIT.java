package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingSegments;
import ir.flatrender.orchestrator.testing.TestingUpload;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload check of the node contract (issue 16, cases 1, 2, 3 and 5): a segment is accepted
 * only when it decodes cleanly, sits at its chunk's place in time and is tagged BT.709 limited
 * range; a header naming another node says so.
 */
class SegmentChecksIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int FPS = 30;

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;
    /** The chunks each connected test node says it runs, sent in a heartbeat every second as a node would. */
    private static final Map<TestingNodeStream, Set<ChunkRef>> running = new ConcurrentHashMap<>();

    private static final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    static Path directory;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
        heartbeats.scheduleWithFixedDelay(
                () -> running.forEach((node, chunks) -> node.send(NodeEvent.newBuilder()
                        .setHeartbeat(Heartbeat.newBuilder()
                                .addAllRunning(chunks)
                                .setSentAtUnixMillis(System.currentTimeMillis()))
                        .build())),
                1,
                1,
                TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        heartbeats.shutdownNow();
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
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue(title).build()))
                        .build())
                .getJob()
                .getId();
    }

    private static TestingNodeStream connect(String name, int slots) {
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), name, slots);
        running.put(node, ConcurrentHashMap.newKeySet());
        return node;
    }

    private static void close(TestingNodeStream node) {
        running.remove(node);
        node.close();
    }

    private static String welcome(TestingNodeStream node) throws InterruptedException {
        NodeCommand command = node.next(WAIT);
        assertThat(command.hasWelcome()).as("first command is the welcome").isTrue();
        return command.getWelcome().getNodeId();
    }

    /** The job's next assignments on this node, until it holds {@code count} of them. */
    private static List<AssignChunk> assignments(TestingNodeStream node, String jobId, int count)
            throws InterruptedException {
        List<AssignChunk> found = new java.util.ArrayList<>();
        // Other commands (heartbeats' answers) keep coming: the wait has a deadline of its own.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (found.size() < count) {
            assertThat(System.nanoTime())
                    .as("%d assignment(s) of job %s within %s", count, jobId, WAIT)
                    .isLessThan(deadline);
            NodeCommand command = node.next(WAIT);
            if (command.hasAssign()) {
                running.get(node).add(command.getAssign().getChunk());
            }
            if (command.hasAssign() && command.getAssign().getChunk().getJobId().equals(jobId)) {
                found.add(command.getAssign());
            }
        }
        return found;
    }

    private static List<Map<String, Object>> crashes(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT chunk_id, kind, attempt, message FROM render.node_crashes WHERE job_id = :id")
                        .bind("id", UUID.fromString(jobId))
                        .mapToMap()
                        .list());
    }

    private static Status upload(AssignChunk assign, String nodeId, byte[] segment) throws Exception {
        int frames = assign.getFrames().getEnd() - assign.getFrames().getStart() + 1;
        return TestingUpload.begin(orchestrator.channel(), assign.getChunk(), nodeId, frames, segment)
                .finish(segment);
    }

    @Test
    @DisplayName("case 1: a segment with 8 flipped bytes in 6 packets and a recomputed sha256 passes the upload's"
            + " packet check, is decoded before assembly, rendered again and held against its node")
    void aLightlyCorruptedSegmentWithItsChecksumRecomputedIsRenderedAgain() throws Exception {
        String jobId = submit("smeared", 60);
        TestingNodeStream node = connect("checks-corrupt", 4);
        try {
            String nodeId = welcome(node);
            AssignChunk assign = assignments(node, jobId, 1).get(0);
            byte[] good =
                    TestingSegments.segment(directory.resolve("case1.ts"), 60, FPS, 0, TestingSegments.BT709_LIMITED);

            // Its packets are all there at their times: the cheap upload check accepts it.
            Status accepted = upload(assign, nodeId, TestingSegments.lightlyCorrupted(good));
            assertThat(accepted.getCode()).as(accepted.toString()).isEqualTo(Status.Code.OK);

            // Decoded in full before the join, it goes back to render as the chunk's next attempt.
            AssignChunk retry = assignments(node, jobId, 1).get(0);
            assertThat(retry.getChunk().getAttempt()).isEqualTo(2);
            assertThat(crashes(jobId))
                    .singleElement()
                    .satisfies(row -> assertThat(row)
                            .containsEntry("kind", "bad_output")
                            .containsEntry("attempt", 1L)
                            .hasEntrySatisfying(
                                    "message",
                                    message -> assertThat((String) message)
                                            .contains("does not decode cleanly")
                                            .contains("[h264]")));
            Job repaired = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getJob(GetJobRequest.newBuilder()
                            .setJobId(jobId)
                            .setIncludeChunks(true)
                            .build());
            assertThat(repaired.getRepairsList()).singleElement().satisfies(repair -> {
                assertThat(repair.getDetectedBy()).isEqualTo("segment_check");
                assertThat(repair.getAttempt()).isEqualTo(1);
                assertThat(repair.getReason()).contains("does not decode cleanly");
            });

            // The same segment undamaged is accepted, and the job is assembled from it.
            Status again = upload(retry, nodeId, good);
            assertThat(again.getCode()).as(again.toString()).isEqualTo(Status.Code.OK);
            assertThat(awaitEnd(jobId).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        } finally {
            close(node);
        }
    }

    private static Job awaitEnd(String jobId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Job job = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            String state = job.getState().name();
            if (state.endsWith("SUCCEEDED") || state.endsWith("FAILED") || state.endsWith("CANCELLED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job %s still %s", jobId, state).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @Test
    @DisplayName("case 2: a segment for frames 30-59 starting at time 0 is refused at upload, and only its chunk")
    void aSegmentAtTheWrongTimeBaseIsRefusedAtUploadBlamingOnlyItsChunk() throws Exception {
        String jobId = submit("misplaced", 30);
        TestingNodeStream node = connect("checks-timing", 4);
        try {
            String nodeId = welcome(node);
            Map<Integer, AssignChunk> byStart = new HashMap<>();
            assignments(node, jobId, 2).forEach(a -> byStart.put(a.getFrames().getStart(), a));
            AssignChunk first = byStart.get(0);
            AssignChunk second = byStart.get(30);
            byte[] atZero =
                    TestingSegments.segment(directory.resolve("case2-0.ts"), 30, FPS, 0, TestingSegments.BT709_LIMITED);

            Status wrongPlace = upload(second, nodeId, atZero);

            assertThat(wrongPlace.getCode()).as(wrongPlace.toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(wrongPlace.getDescription())
                    .contains("runs from 1.400 s to 2.367 s")
                    .contains("frames 30-59 at 30 fps belong at 2.400 s to 3.367 s");
            // The neighbour, correct, is accepted; only the chunk at fault has a failure on record.
            Status neighbour = upload(first, nodeId, atZero);
            assertThat(neighbour.getCode()).as(neighbour.toString()).isEqualTo(Status.Code.OK);
            assertThat(crashes(jobId))
                    .singleElement()
                    .satisfies(row -> assertThat(row)
                            .containsEntry(
                                    "chunk_id",
                                    UUID.fromString(second.getChunk().getChunkId()))
                            .containsEntry("kind", "bad_output"));

            AssignChunk retry = assignments(node, jobId, 1).get(0);
            assertThat(retry.getChunk().getChunkId())
                    .isEqualTo(second.getChunk().getChunkId());
            byte[] atThirty = TestingSegments.segment(
                    directory.resolve("case2-30.ts"), 30, FPS, 30, TestingSegments.BT709_LIMITED);
            Status placed = upload(retry, nodeId, atThirty);
            assertThat(placed.getCode()).as(placed.toString()).isEqualTo(Status.Code.OK);
        } finally {
            close(node);
        }
    }

    @Test
    @DisplayName("case 3: an untagged segment and a full-range BT.601 one are refused; BT.709 limited is accepted")
    void segmentsNotTaggedBt709LimitedRangeAreRefused() throws Exception {
        String jobId = submit("colour", 60);
        String otherJobId = submit("colour-2", 60);
        TestingNodeStream node = connect("checks-colour", 4);
        try {
            String nodeId = welcome(node);
            Map<String, AssignChunk> byJob = new HashMap<>();
            while (byJob.size() < 2) {
                NodeCommand command = node.next(WAIT);
                if (command.hasAssign()) {
                    running.get(node).add(command.getAssign().getChunk());
                    String job = command.getAssign().getChunk().getJobId();
                    if (job.equals(jobId) || job.equals(otherJobId)) {
                        byJob.put(job, command.getAssign());
                    }
                }
            }
            AssignChunk assign = byJob.get(jobId);
            AssignChunk otherAssign = byJob.get(otherJobId);

            Status untagged = upload(
                    assign,
                    nodeId,
                    TestingSegments.segment(directory.resolve("case3-u.ts"), 60, FPS, 0, TestingSegments.UNTAGGED));
            assertThat(untagged.getCode()).as(untagged.toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(untagged.getDescription())
                    .contains("colorspace=(untagged)")
                    .contains("must be BT.709 limited range");

            Status wrong = upload(
                    otherAssign,
                    nodeId,
                    TestingSegments.segment(
                            directory.resolve("case3-w.ts"),
                            60,
                            FPS,
                            0,
                            List.of(
                                    "-colorspace",
                                    "bt470bg",
                                    "-color_primaries",
                                    "bt470bg",
                                    "-color_trc",
                                    "gamma22",
                                    "-color_range",
                                    "pc")));
            assertThat(wrong.getCode()).as(wrong.toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(wrong.getDescription()).contains("colorspace=bt470bg color_range=pc");

            AssignChunk retry = assignments(node, jobId, 1).get(0);
            Status tagged = upload(
                    retry,
                    nodeId,
                    TestingSegments.segment(
                            directory.resolve("case3-t.ts"), 60, FPS, 0, TestingSegments.BT709_LIMITED));
            assertThat(tagged.getCode()).as(tagged.toString()).isEqualTo(Status.Code.OK);
        } finally {
            close(node);
        }
    }

    @Test
    @DisplayName("case 5: a header with another node's id is refused naming node_id, not as a stale attempt")
    void aHeaderWithAnotherNodesIdSaysSo() throws Exception {
        String jobId = submit("impostor", 60);
        TestingNodeStream holder = connect("checks-holder", 4);
        TestingNodeStream other = null;
        try {
            welcome(holder);
            AssignChunk assign = assignments(holder, jobId, 1).get(0);
            // The other node connects once the holder has the chunk.
            other = connect("checks-other", 1);
            String otherId = welcome(other);
            byte[] segment =
                    TestingSegments.segment(directory.resolve("case5.ts"), 60, FPS, 0, TestingSegments.BT709_LIMITED);

            Status refused = upload(assign, otherId, segment);

            assertThat(refused.getCode()).as(refused.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getDescription())
                    .contains("node_id " + otherId + " is not the node that holds attempt 1")
                    .contains("Welcome")
                    .doesNotContain("no longer current");
        } finally {
            close(holder);
            if (other != null) {
                close(other);
            }
        }
    }
}
