package ir.flatrender.orchestrator.testing;

import com.google.common.hash.Hashing;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A segment upload of one 360p file, begun with its header (checksum of the bytes given) and finished later. */
public record TestingUpload(StreamObserver<SegmentUpload> stream, CompletableFuture<Status> result) {
    public static TestingUpload begin(Channel channel, ChunkRef chunk, String nodeId, int frames, byte[] segment) {
        CompletableFuture<Status> result = new CompletableFuture<>();
        StreamObserver<SegmentUpload> stream = NodeServiceGrpc.newStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
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
                        .setFrameCount(frames)
                        .addFiles(SegmentFile.newBuilder()
                                .setTier("360p")
                                .setSizeBytes(segment.length)
                                .setSha256(Hashing.sha256().hashBytes(segment).toString())))
                .build());
        return new TestingUpload(stream, result);
    }

    /** Sends these bytes as one part, then the end; the call's status. */
    public Status finish(byte[] segment) throws Exception {
        send(segment);
        stream.onCompleted();
        return result.get(30, TimeUnit.SECONDS);
    }

    public void send(byte[] part) {
        stream.onNext(
                SegmentUpload.newBuilder().setData(ByteString.copyFrom(part)).build());
    }

    /** The call's status, waiting up to the timeout for the orchestrator to end it. */
    public Status result(Duration timeout) throws Exception {
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
