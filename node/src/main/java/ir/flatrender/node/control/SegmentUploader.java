package ir.flatrender.node.control;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import ir.flatrender.node.work.SegmentDelivery;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a segment as a client stream: the header, then parts read from disk only when the
 * call is ready for more, so a slow link holds at most one part in memory. As the worker's
 * {@link SegmentDelivery}, it turns the attempt's manifest into the header and the call's status
 * into the worker's reasons.
 */
public final class SegmentUploader implements SegmentDelivery {
    private static final int PART_BYTES = 256 * 1024;

    private final Channel channel;
    private final Executor io;
    private final Duration deadline;

    public SegmentUploader(Channel channel, Executor io, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.io = requireNonNull(io, "io is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    @Override
    public void send(Manifest manifest, java.util.List<Path> files)
            throws IOException, UploadRefused, InterruptedException {
        try {
            upload(files, EventMapper.header(manifest));
        } catch (ExecutionException e) {
            Status status = Status.fromThrowable(e.getCause());
            throw new UploadRefused(
                    reason(e.getCause()), status.getCode() + " " + status.getDescription(), e.getCause());
        }
    }

    /**
     * What the worker does about a failed upload: tries again while the orchestrator cannot be
     * reached ({@link CallFailures#unreachable}); else its answer's code says. A failure that is
     * not the call's (the segment could not be read here) is no reason to try again.
     */
    static UploadRefused.Reason reason(Throwable failure) {
        if (CallFailures.unreachable(failure)) {
            return UploadRefused.Reason.UNREACHABLE;
        }
        if (!(failure instanceof StatusRuntimeException) && !(failure instanceof StatusException)) {
            return UploadRefused.Reason.OTHER;
        }
        return switch (Status.fromThrowable(failure).getCode()) {
            case DATA_LOSS -> UploadRefused.Reason.DAMAGED;
            case FAILED_PRECONDITION -> UploadRefused.Reason.BAD_SEGMENT;
            default -> UploadRefused.Reason.OTHER;
        };
    }

    private static java.util.List<InputStream> opened(java.util.List<Path> files) throws IOException {
        java.util.List<InputStream> streams = new java.util.ArrayList<>();
        for (Path file : files) {
            streams.add(new java.io.BufferedInputStream(Files.newInputStream(file)));
        }
        return streams;
    }

    /** Uploads the files the header announces, in its order. */
    public UploadSegmentResponse upload(java.util.List<Path> files, SegmentHeader header)
            throws IOException, InterruptedException, ExecutionException {
        CompletableFuture<UploadSegmentResponse> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<ClientCallStreamObserver<SegmentUpload>> active =
                new java.util.concurrent.atomic.AtomicReference<>();
        InputStream in = new java.io.SequenceInputStream(java.util.Collections.enumeration(opened(files)));
        Executor serial = MoreExecutors.newSequentialExecutor(io);
        try {
            NodeServiceGrpc.newStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .uploadSegment(new ClientResponseObserver<SegmentUpload, UploadSegmentResponse>() {
                        private boolean headerSent;
                        private boolean done;

                        @Override
                        public void beforeStart(ClientCallStreamObserver<SegmentUpload> call) {
                            active.set(call);
                            call.setOnReadyHandler(() -> serial.execute(() -> pump(call)));
                        }

                        private void pump(ClientCallStreamObserver<SegmentUpload> call) {
                            try {
                                while (!done && call.isReady()) {
                                    if (!headerSent) {
                                        call.onNext(SegmentUpload.newBuilder()
                                                .setHeader(header)
                                                .build());
                                        headerSent = true;
                                        continue;
                                    }
                                    byte[] part = in.readNBytes(PART_BYTES);
                                    if (part.length == 0) {
                                        done = true;
                                        call.onCompleted();
                                        return;
                                    }
                                    call.onNext(SegmentUpload.newBuilder()
                                            .setData(ByteString.copyFrom(part))
                                            .build());
                                }
                            } catch (IOException | RuntimeException e) {
                                done = true;
                                // The failure first: the cancel's own CANCELLED must not stand for it.
                                result.completeExceptionally(e);
                                call.cancel("could not read the segment: " + e.getMessage(), e);
                            }
                        }

                        @Override
                        public void onNext(UploadSegmentResponse response) {
                            result.complete(response);
                        }

                        @Override
                        public void onError(Throwable error) {
                            result.completeExceptionally(error);
                        }

                        @Override
                        public void onCompleted() {
                            result.completeExceptionally(new IOException("the orchestrator answered nothing"));
                        }
                    });
            try {
                return result.get();
            } catch (InterruptedException e) {
                ClientCallStreamObserver<SegmentUpload> call = active.get();
                if (call != null) {
                    call.cancel("the chunk was cancelled", null);
                }
                throw e;
            }
        } finally {
            serial.execute(() -> {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // Read-only file; nothing to lose.
                }
            });
        }
    }
}
