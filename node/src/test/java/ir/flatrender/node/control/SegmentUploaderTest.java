package ir.flatrender.node.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import ir.flatrender.node.work.ChunkKey;
import ir.flatrender.node.work.SegmentDelivery;
import ir.flatrender.node.work.SegmentDelivery.UploadRefused;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worker's upload over a real socket: the manifest as the header, the orchestrator's status as a reason. */
class SegmentUploaderTest {
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile SegmentHeader header;
    /** What the orchestrator answers; OK takes the upload. */
    private volatile Status answer = Status.OK;

    private Server server;
    private ManagedChannel channel;

    @TempDir
    Path directory;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new NodeServiceGrpc.NodeServiceImplBase() {
                    @Override
                    public StreamObserver<SegmentUpload> uploadSegment(
                            StreamObserver<UploadSegmentResponse> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(SegmentUpload upload) {
                                if (upload.hasHeader()) {
                                    header = upload.getHeader();
                                } else {
                                    received.writeBytes(upload.getData().toByteArray());
                                }
                            }

                            @Override
                            public void onError(Throwable error) {}

                            @Override
                            public void onCompleted() {
                                if (answer.isOk()) {
                                    responses.onNext(UploadSegmentResponse.getDefaultInstance());
                                    responses.onCompleted();
                                } else {
                                    responses.onError(answer.asRuntimeException());
                                }
                            }
                        };
                    }
                })
                .build()
                .start();
        channel = NettyChannelBuilder.forTarget("127.0.0.1:" + server.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        io.shutdownNow();
    }

    private void send() throws Exception {
        Path file = Files.write(directory.resolve("720p.ts"), new byte[] {7, 8, 9});
        new SegmentUploader(channel, io, Duration.ofSeconds(30))
                .send(
                        new SegmentDelivery.Manifest(
                                new ChunkKey("job", "chunk", 4),
                                "node-1",
                                30,
                                List.of(new SegmentDelivery.File("720p", 3, "ef".repeat(32))),
                                0),
                        List.of(file));
    }

    @Test
    void theManifestGoesAsTheHeaderAheadOfTheFilesBytes() throws Exception {
        send();

        assertThat(header.getChunk().getChunkId()).isEqualTo("chunk");
        assertThat(header.getChunk().getAttempt()).isEqualTo(4);
        assertThat(header.getNodeId()).isEqualTo("node-1");
        assertThat(header.getFilesList())
                .singleElement()
                .satisfies(file -> assertThat(file.getTier()).isEqualTo("720p"));
        assertThat(received.toByteArray()).containsExactly(7, 8, 9);
    }

    @ParameterizedTest
    @CsvSource({
        "UNAVAILABLE, UNREACHABLE",
        "DATA_LOSS, DAMAGED",
        "FAILED_PRECONDITION, BAD_SEGMENT",
        "PERMISSION_DENIED, OTHER"
    })
    void theOrchestratorsStatusSaysWhatTheWorkerDoes(Status.Code code, UploadRefused.Reason reason) {
        answer = Status.fromCode(code).withDescription("as the test says");

        assertThatThrownBy(this::send).isInstanceOfSatisfying(UploadRefused.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).isEqualTo(code + " as the test says");
        });
    }
}
