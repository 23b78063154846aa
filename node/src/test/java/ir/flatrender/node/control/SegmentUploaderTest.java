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
    /** When set, the server stops at once (shutdownNow) when the header arrives. */
    private volatile boolean stopOnHeader;
    /** When set, the connection through it is reset once the header arrives. */
    private volatile ResettingProxy resetOnHeader;

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
                                    if (stopOnHeader) {
                                        server.shutdownNow();
                                    }
                                    ResettingProxy proxy = resetOnHeader;
                                    if (proxy != null) {
                                        proxy.reset();
                                    }
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
        "CANCELLED, UNREACHABLE",
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

    @Test
    void aConnectionThatBreaksUnderTheUploadIsUnreachableNotARefusal() throws Exception {
        // The orchestrator's process dies mid-upload: its connection is reset (what SIGKILL does)
        // while the node is still writing parts.
        try (ResettingProxy proxy = new ResettingProxy(server.getPort())) {
            resetOnHeader = proxy;
            ManagedChannel viaProxy = NettyChannelBuilder.forTarget("127.0.0.1:" + proxy.port())
                    .usePlaintext()
                    .build();
            try {
                Path file = Files.write(directory.resolve("big.ts"), new byte[8 * 1024 * 1024]);
                assertThatThrownBy(() -> new SegmentUploader(viaProxy, io, Duration.ofSeconds(30))
                                .send(
                                        new SegmentDelivery.Manifest(
                                                new ChunkKey("job", "chunk", 4),
                                                "node-1",
                                                30,
                                                List.of(new SegmentDelivery.File(
                                                        "720p", Files.size(file), "ef".repeat(32))),
                                                0),
                                        List.of(file)))
                        .isInstanceOfSatisfying(
                                UploadRefused.class,
                                e -> assertThat(e.reason())
                                        .as("%s", e.getMessage())
                                        .isEqualTo(UploadRefused.Reason.UNREACHABLE));
            } finally {
                viaProxy.shutdownNow();
            }
        }
    }

    @Test
    void aStatusMadeHereFromABrokenConnectionIsUnreachableWhateverItsCode() {
        // As grpc-netty 1.83 reports a write on a connection the orchestrator's death closed:
        // UNKNOWN "channel closed", its cause a ClosedChannelException (Utils.statusFromThrowable).
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        java.nio.channels.ClosedChannelException closed = new java.nio.channels.ClosedChannelException();
        closed.initCause(new java.nio.channels.ClosedChannelException());
        assertThat(SegmentUploader.reason(Status.UNKNOWN
                        .withDescription("channel closed")
                        .withCause(closed)
                        .asRuntimeException()))
                .isEqualTo(UploadRefused.Reason.UNREACHABLE);
        assertThat(SegmentUploader.reason(Status.INTERNAL.withCause(reset).asRuntimeException()))
                .isEqualTo(UploadRefused.Reason.UNREACHABLE);
        // The orchestrator's own UNKNOWN (an exception it did not map) carries no cause here.
        assertThat(SegmentUploader.reason(Status.UNKNOWN.withDescription("boom").asRuntimeException()))
                .isEqualTo(UploadRefused.Reason.OTHER);
        // An answer that would not parse is not a broken connection either.
        assertThat(SegmentUploader.reason(Status.INTERNAL
                        .withDescription("Invalid protobuf byte sequence")
                        .withCause(new com.google.protobuf.InvalidProtocolBufferException("truncated"))
                        .asRuntimeException()))
                .isEqualTo(UploadRefused.Reason.OTHER);
        // A segment that could not be read here is not the orchestrator's to answer.
        assertThat(SegmentUploader.reason(reset)).isEqualTo(UploadRefused.Reason.OTHER);
    }

    /**
     * A TCP proxy to the test's server whose {@link #reset} closes both sides with a reset (linger
     * 0), as the kernel does for a killed process's sockets.
     */
    private static final class ResettingProxy implements AutoCloseable {
        private final java.net.ServerSocket listener =
                new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        private final int target;
        private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor;

        ResettingProxy(int target) throws java.io.IOException {
            this.target = target;
            this.acceptor = daemon(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        private static Thread daemon(Runnable task) {
            Thread thread = new Thread(task, "resetting-proxy");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private void accept() {
            try {
                while (true) {
                    java.net.Socket client = listener.accept();
                    java.net.Socket upstream = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon(() -> pipe(client, upstream));
                    daemon(() -> pipe(upstream, client));
                }
            } catch (java.io.IOException closed) {
                // the proxy is closed
            }
        }

        private static void pipe(java.net.Socket from, java.net.Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (java.io.IOException broken) {
                // reset, or closed by the test
            }
        }

        void reset() {
            for (java.net.Socket socket : sockets) {
                try {
                    socket.setSoLinger(true, 0);
                    socket.close();
                } catch (java.io.IOException e) {
                    // already gone
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
            reset();
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void anUploadTheOrchestratorCancelsAsItStopsIsTriedAgain() throws Exception {
        // The orchestrator stops: its grace over, it cancels the calls still in flight.
        stopOnHeader = true;
        assertThatThrownBy(this::send)
                .isInstanceOfSatisfying(
                        UploadRefused.class,
                        e -> assertThat(e.reason())
                                .as("%s", e.getMessage())
                                .isEqualTo(UploadRefused.Reason.UNREACHABLE));
    }
}
