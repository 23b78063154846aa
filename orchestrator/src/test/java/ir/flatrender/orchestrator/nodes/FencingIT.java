package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingSegments;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.FailureKind;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A chunk handed to a second node after the first one vanished is never completed by the first. */
class FencingIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What the test uploads' headers say the attempt's render took. */
    private static final long RENDER_MILLIS = 4321;

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @TempDir
    static Path directory;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static Map<String, Object> chunkRow(String chunkId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT state, attempt, failures, node_id, render_millis FROM render.frame_jobs WHERE id = :id")
                        .bind("id", UUID.fromString(chunkId))
                        .mapToMap()
                        .one());
    }

    private static AssignChunk nextAssignment(TestingNodeStream node) throws InterruptedException {
        while (true) {
            NodeCommand command = node.next(WAIT);
            if (command.hasAssign()) {
                return command.getAssign();
            }
        }
    }

    private static String welcome(TestingNodeStream node) throws InterruptedException {
        NodeCommand command = node.next(WAIT);
        assertThat(command.hasWelcome()).as("first command is the welcome").isTrue();
        return command.getWelcome().getNodeId();
    }

    @Test
    void aStaleAttemptCannotUploadNorFail() throws Exception {
        JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("fencing")
                                                .build()))
                        .build());

        TestingNodeStream first = TestingNodeStream.connect(orchestrator.channel(), "fencing-a", 1);
        String firstNodeId = welcome(first);
        AssignChunk firstAssignment = nextAssignment(first);
        ChunkRef stale = firstAssignment.getChunk();
        assertThat(stale.getAttempt()).isEqualTo(1);
        assertThat(chunkRow(stale.getChunkId())).containsEntry("state", "running");

        // The first node vanishes; its chunk goes to the next node as attempt 2.
        first.drop();
        TestingNodeStream second = TestingNodeStream.connect(orchestrator.channel(), "fencing-b", 1);
        welcome(second);
        AssignChunk secondAssignment = nextAssignment(second);
        assertThat(secondAssignment.getChunk().getChunkId()).isEqualTo(stale.getChunkId());
        assertThat(secondAssignment.getChunk().getAttempt()).isEqualTo(2);

        // A late upload from the first attempt is refused at its header.
        Status upload = upload(stale, firstNodeId);
        assertThat(upload.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(upload.getDescription()).contains("no longer current");

        // A late failure report for the first attempt changes nothing.
        second.send(NodeEvent.newBuilder()
                .setChunkFailed(ChunkFailed.newBuilder()
                        .setChunk(stale)
                        .setKind(FailureKind.FAILURE_KIND_CRASH)
                        .setMessage("stale"))
                .build());
        // The current attempt's failure does count, and the chunk is retried (attempt 3).
        second.send(NodeEvent.newBuilder()
                .setChunkFailed(ChunkFailed.newBuilder()
                        .setChunk(secondAssignment.getChunk())
                        .setKind(FailureKind.FAILURE_KIND_CRASH)
                        .setMessage("engine crashed"))
                .build());
        AssignChunk third = nextAssignment(second);
        assertThat(third.getChunk().getChunkId()).isEqualTo(stale.getChunkId());
        assertThat(third.getChunk().getAttempt()).isEqualTo(3);
        Map<String, Object> row = chunkRow(stale.getChunkId());
        assertThat(row).containsEntry("state", "running").containsEntry("attempt", 3L);
        // Both attempts are on record (issue 17, case 1): the first lost with its node, the second crashed.
        assertThat(row.get("failures")).isEqualTo(2);
        second.close();
    }

    @Test
    void aRetriedUploadOfTheSameAttemptDoesNotDeleteTheAcceptedOne() throws Exception {
        String jobId = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("twice")
                                                .build()))
                        .build())
                .getJob()
                .getId();
        // Two slots: the other test may leave a chunk of its own job pending for this node.
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "uploads-twice", 2);
        try {
            String nodeId = welcome(node);
            ChunkRef assigned = nextAssignment(node).getChunk();
            while (!assigned.getJobId().equals(jobId)) {
                assigned = nextAssignment(node).getChunk();
            }
            ChunkRef chunk = assigned;
            byte[] segment = segment(directory.resolve("segment.ts"));

            // A node whose first upload seemed to time out starts a second one for the same
            // attempt; the first is then accepted, and the second loses.
            Upload second = Upload.begin(chunk, nodeId, segment);
            Status first = Upload.begin(chunk, nodeId, segment).finish(segment);
            assertThat(first.getCode()).as(first.toString()).isEqualTo(Status.Code.OK);
            Status late = second.finish(segment);
            assertThat(late.getCode()).isEqualTo(Status.Code.ABORTED);

            String key = postgres.database()
                    .jdbi()
                    .withHandle(
                            handle -> handle.createQuery("SELECT blob_key FROM render.segments WHERE chunk_id = :id")
                                    .bind("id", UUID.fromString(chunk.getChunkId()))
                                    .mapTo(String.class)
                                    .one());
            assertThat(orchestrator.dataDirectory().resolve("blobs").resolve(key))
                    .as("the accepted upload's segment")
                    .exists()
                    .hasSize(segment.length);
            // The header's render time is recorded with the completion: no ChunkFinished needed.
            assertThat(chunkRow(chunk.getChunkId()))
                    .containsEntry("state", "done")
                    .containsEntry("render_millis", RENDER_MILLIS);
        } finally {
            node.close();
        }
    }

    @Test
    void aCorruptedSegmentIsRefusedRecordedAndRenderedAgain() throws Exception {
        String jobId = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("corrupted")
                                                .build()))
                        .build())
                .getJob()
                .getId();
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "uploads-corrupted", 2);
        try {
            String nodeId = welcome(node);
            ChunkRef assigned = nextAssignment(node).getChunk();
            while (!assigned.getJobId().equals(jobId)) {
                assigned = nextAssignment(node).getChunk();
            }
            ChunkRef chunk = assigned;
            byte[] good = segment(directory.resolve("good.ts"));

            // Bytes damaged on the way: the checksum the node sent does not match; nothing kept.
            byte[] damaged = good.clone();
            for (int i = damaged.length / 2; i < damaged.length / 2 + 188; i++) {
                damaged[i] ^= 0x5a;
            }
            Status inTransit = Upload.begin(chunk, nodeId, good).finish(damaged);
            assertThat(inTransit.getCode()).isEqualTo(Status.Code.DATA_LOSS);
            assertThat(chunkRow(chunk.getChunkId())).containsEntry("attempt", 1L);

            // A file that is not a video, sent intact: refused by the orchestrator's own check,
            // recorded as bad output, and the chunk handed out again as attempt 2.
            byte[] garbage = new byte[188 * 64];
            java.util.Arrays.fill(garbage, (byte) 0x47);
            Status refused = Upload.begin(chunk, nodeId, garbage).finish(garbage);
            assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getDescription()).contains("segment refused");
            List<Map<String, Object>> crashes = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT kind, attempt, message FROM render.node_crashes WHERE chunk_id = :id")
                            .bind("id", UUID.fromString(chunk.getChunkId()))
                            .mapToMap()
                            .list());
            assertThat(crashes).singleElement().satisfies(row -> {
                assertThat(row).containsEntry("kind", "bad_output").containsEntry("attempt", 1L);
                assertThat((String) row.get("message")).contains("segment refused");
            });
            ChunkRef retry = nextAssignment(node).getChunk();
            while (!retry.getChunkId().equals(chunk.getChunkId())) {
                retry = nextAssignment(node).getChunk();
            }
            assertThat(retry.getAttempt()).isEqualTo(2);

            Status accepted = Upload.begin(retry, nodeId, good).finish(good);
            assertThat(accepted.getCode()).as(accepted.toString()).isEqualTo(Status.Code.OK);
            List<Long> kept = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT attempt FROM render.segments WHERE chunk_id = :id")
                            .bind("id", UUID.fromString(chunk.getChunkId()))
                            .mapTo(Long.class)
                            .list());
            assertThat(kept).containsExactly(2L);
        } finally {
            node.close();
        }
    }

    /** A real 640x360 H.264 MPEG-TS segment of 60 frames at 30 fps, for frames 0-59, as the contract asks. */
    private static byte[] segment(Path file) throws Exception {
        return TestingSegments.segment(file, 60, 30, 0, TestingSegments.BT709_LIMITED);
    }

    /** An upload begun with its header, finished later. */
    private record Upload(StreamObserver<SegmentUpload> stream, CompletableFuture<Status> result) {
        static Upload begin(ChunkRef chunk, String nodeId, byte[] segment) {
            CompletableFuture<Status> result = new CompletableFuture<>();
            StreamObserver<SegmentUpload> stream = NodeServiceGrpc.newStub(orchestrator.channel())
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .uploadSegment(new StreamObserver<>() {
                        @Override
                        public void onNext(UploadSegmentResponse response) {}

                        @Override
                        public void onError(Throwable error) {
                            result.complete(Status.fromThrowable(error));
                        }

                        @Override
                        public void onCompleted() {
                            result.complete(Status.OK);
                        }
                    });
            stream.onNext(SegmentUpload.newBuilder()
                    .setHeader(SegmentHeader.newBuilder()
                            .setChunk(chunk)
                            .setNodeId(nodeId)
                            .setFrameCount(60)
                            .setRenderMillis(RENDER_MILLIS)
                            .addFiles(ir.flatrender.proto.farm.v1.SegmentFile.newBuilder()
                                    .setTier("360p")
                                    .setSizeBytes(segment.length)
                                    .setSha256(
                                            Hashing.sha256().hashBytes(segment).toString())))
                    .build());
            return new Upload(stream, result);
        }

        Status finish(byte[] segment) throws Exception {
            stream.onNext(SegmentUpload.newBuilder()
                    .setData(ByteString.copyFrom(segment))
                    .build());
            stream.onCompleted();
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    /** A late upload of 188 bytes that are not a segment: refused at its header, before the bytes matter. */
    private static Status upload(ChunkRef chunk, String nodeId) throws Exception {
        byte[] bytes = new byte[188];
        return Upload.begin(chunk, nodeId, bytes).finish(bytes);
    }
}
