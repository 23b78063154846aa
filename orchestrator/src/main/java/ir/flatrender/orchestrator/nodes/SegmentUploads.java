package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.failures.FailureKind;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the files of a chunk attempt: a segment per output tier (or a still, or the audio
 * of an audio task). The header is checked against the chunk's current attempt first
 * (fencing); parts are written to the blob store off the gRPC threads, the next part
 * requested only once the last is on disk; every file is verified, and the chunk is marked
 * done with its files in one fenced transaction, so an attempt handed elsewhere meanwhile is
 * refused.
 *
 * <p>An upload that makes no progress (no part, no end) for the idle timeout, the lease
 * timeout, is ended by the orchestrator: the call is answered {@code DEADLINE_EXCEEDED} and
 * its attempt fails through the ordinary failure path (a crash row of kind {@link
 * FailureKind#UPLOAD_STALLED}), so heartbeats that still list the attempt no longer renew its lease and the
 * chunk is handed out again.
 */
public final class SegmentUploads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentUploads.class);
    public static final String AUDIO = "audio";
    /** The largest data part accepted: parts are buffered whole, so their size bounds an upload's memory. */
    public static final int MAX_PART_BYTES = 1 << 20;

    private final BlobStore blobs;
    private final Attempts attempts;
    private final UploadAdmission admission;
    private final StoredSegmentChecks checks;
    private final SegmentDecodes decodes;
    private final Executor io;
    private final Duration idleTimeout;
    private final ScheduledExecutorService watchdog;

    /** Writes parts on {@code io}; watches each upload for silence on a thread of its own. */
    public SegmentUploads(
            Jdbi jdbi,
            BlobStore blobs,
            JobCache jobs,
            Attempts attempts,
            SegmentDecodes decodes,
            SegmentLimits limits,
            Executor io) {
        requireNonNull(limits, "limits is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.attempts = requireNonNull(attempts, "attempts is null");
        this.admission = new UploadAdmission(jdbi, jobs, limits.maxSegmentBytes());
        this.decodes = requireNonNull(decodes, "decodes is null");
        this.checks = decodes.checks();
        this.io = requireNonNull(io, "io is null");
        this.idleTimeout = limits.idleTimeout();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("upload-watchdog")
                .setDaemon(true)
                .build());
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            watchdog.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public StreamObserver<SegmentUpload> receive(StreamObserver<UploadSegmentResponse> responses) {
        ServerCallStreamObserver<UploadSegmentResponse> call =
                (ServerCallStreamObserver<UploadSegmentResponse>) responses;
        call.disableAutoRequest();
        // The node the caller's credential names (empty for the operator's farm token).
        Optional<String> caller = ir.flatrender.orchestrator.server.Caller.current()
                .flatMap(ir.flatrender.orchestrator.server.Caller::nodeName);
        Upload upload = new Upload(call, MoreExecutors.newSequentialExecutor(io), caller);
        upload.watch();
        call.request(1);
        return upload;
    }

    private final class Upload implements StreamObserver<SegmentUpload> {
        private final ServerCallStreamObserver<UploadSegmentResponse> call;
        private final Executor serial;
        private final String uploadId = UUID.randomUUID().toString().substring(0, 8);
        private SegmentHeader header;
        private ChunkRow chunk;
        private JobRow job;
        private final List<SegmentFile> files = new ArrayList<>();
        private final Map<String, String> keys = new LinkedHashMap<>();
        private final List<BlobWriter> writers = new ArrayList<>();
        private int current;
        private boolean failed;
        private final Optional<String> callerNode;
        private volatile long lastProgressNanos = System.nanoTime();
        private ScheduledFuture<?> idleCheck;

        Upload(ServerCallStreamObserver<UploadSegmentResponse> call, Executor serial, Optional<String> callerNode) {
            this.call = call;
            this.serial = serial;
            this.callerNode = callerNode;
        }

        /** Checks for silence a few times per idle timeout, on the upload's own serial executor. */
        void watch() {
            long period = Math.max(50, idleTimeout.toMillis() / 4);
            idleCheck = watchdog.scheduleWithFixedDelay(
                    () -> serial.execute(this::endIfIdle), period, period, TimeUnit.MILLISECONDS);
        }

        private void endIfIdle() {
            if (failed) {
                idleCheck.cancel(false);
                return;
            }
            Duration idle = Duration.ofNanos(System.nanoTime() - lastProgressNanos);
            if (idle.compareTo(idleTimeout) < 0) {
                return;
            }
            String what =
                    "no part for " + idle.toSeconds() + " s (the idle limit is " + idleTimeout.toSeconds() + " s)";
            if (chunk != null) {
                long received = writers.stream().mapToLong(BlobWriter::written).sum();
                long announced =
                        files.stream().mapToLong(SegmentFile::getSizeBytes).sum();
                String message = "upload stalled: " + what + " after " + received + " of " + announced + " bytes";
                boolean ended = attempts.failed(
                        chunk.id(),
                        header.getChunk().getAttempt(),
                        new ChunkFailure(FailureKind.UPLOAD_STALLED, message, OptionalInt.empty(), ""));
                log.warn(
                        "job {}: chunk {} attempt {} on node {}: {}{}",
                        chunk.jobId(),
                        chunk.seq(),
                        header.getChunk().getAttempt(),
                        chunk.nodeName(),
                        message,
                        ended ? "; the attempt is ended" : "");
                fail(Status.DEADLINE_EXCEEDED
                        .withDescription(
                                message + "; attempt " + header.getChunk().getAttempt() + " of chunk " + chunk.id()
                                        + " is ended and the chunk is handed out again")
                        .asRuntimeException());
            } else {
                fail(Status.DEADLINE_EXCEEDED
                        .withDescription("upload stalled: " + what + " before its header")
                        .asRuntimeException());
            }
        }

        @Override
        public void onNext(SegmentUpload part) {
            lastProgressNanos = System.nanoTime();
            serial.execute(() -> {
                if (failed) {
                    return;
                }
                try {
                    if (part.hasHeader()) {
                        start(part.getHeader());
                    } else if (header == null) {
                        throw Status.INVALID_ARGUMENT
                                .withDescription("the header must come first")
                                .asRuntimeException();
                    } else {
                        write(part.getData());
                    }
                    call.request(1);
                } catch (StatusRuntimeException e) {
                    fail(e);
                } catch (IOException | RuntimeException e) {
                    fail(Status.UNAVAILABLE
                            .withDescription("could not store the segment: " + e.getMessage())
                            .asRuntimeException());
                }
            });
        }

        private void start(SegmentHeader newHeader) throws IOException {
            if (header != null) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("header sent twice")
                        .asRuntimeException();
            }
            UploadAdmission.Admitted admitted = admission.admit(newHeader, callerNode);
            header = newHeader;
            chunk = admitted.chunk();
            job = admitted.job();
            files.addAll(newHeader.getFilesList());
            for (SegmentFile file : files) {
                String key = admitted.key(file.getTier(), uploadId);
                keys.put(file.getTier(), key);
                writers.add(blobs.create(key));
            }
        }

        /** Writes a part, splitting it where one file ends and the next begins. */
        private void write(ByteString data) throws IOException {
            if (data.size() > MAX_PART_BYTES) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("data part of " + data.size() + " bytes; parts are at most " + MAX_PART_BYTES
                                + " bytes (1 MiB)")
                        .asRuntimeException();
            }
            int offset = 0;
            while (offset < data.size()) {
                if (current >= files.size()) {
                    throw Status.INVALID_ARGUMENT
                            .withDescription("more bytes than the header announced")
                            .asRuntimeException();
                }
                BlobWriter writer = writers.get(current);
                long room = files.get(current).getSizeBytes() - writer.written();
                int take = (int) Math.min(room, data.size() - offset);
                data.substring(offset, offset + take).writeTo(writer.stream());
                offset += take;
                if (writer.written() == files.get(current).getSizeBytes()) {
                    current++;
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            serial.execute(() -> {
                failed = true;
                idleCheck.cancel(false);
                discard();
                log.debug("segment upload cancelled by the node: {}", error.getMessage());
            });
        }

        @Override
        public void onCompleted() {
            lastProgressNanos = System.nanoTime();
            serial.execute(() -> {
                if (failed) {
                    return;
                }
                // Verifying takes as long as it takes: the node has sent everything.
                idleCheck.cancel(false);
                try {
                    finish();
                } catch (StatusRuntimeException e) {
                    fail(e);
                } catch (IOException | RuntimeException e) {
                    log.warn(
                            "could not accept the files of chunk {}: {}",
                            chunk == null ? "?" : chunk.id(),
                            e.toString());
                    fail(Status.UNAVAILABLE
                            .withDescription("could not store the segment: " + e.getMessage())
                            .asRuntimeException());
                }
            });
        }

        private void finish() throws IOException {
            if (header == null) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("no header was sent")
                        .asRuntimeException();
            }
            List<SegmentRow> rows = new ArrayList<>();
            long attempt = header.getChunk().getAttempt();
            // Every file checked before any is kept.
            for (int i = 0; i < files.size(); i++) {
                SegmentFile file = files.get(i);
                BlobWriter writer = writers.get(i);
                if (writer.written() != file.getSizeBytes()) {
                    throw Status.INVALID_ARGUMENT
                            .withDescription(file.getTier() + ": received " + writer.written()
                                    + " bytes; the header said " + file.getSizeBytes())
                            .asRuntimeException();
                }
                String sha256 = writer.sha256();
                if (!sha256.equals(file.getSha256())) {
                    throw Status.DATA_LOSS
                            .withDescription(file.getTier() + " sha256 " + sha256 + " does not match the header's "
                                    + file.getSha256())
                            .asRuntimeException();
                }
                rows.add(new SegmentRow(
                        chunk.id(),
                        chunk.seq(),
                        file.getTier(),
                        attempt,
                        keys.get(file.getTier()),
                        file.getSizeBytes(),
                        sha256));
            }
            boolean completed = false;
            OptionalLong rendered = header.hasRenderMillis() && header.getRenderMillis() >= 0 // recorded with it
                    ? OptionalLong.of(header.getRenderMillis())
                    : OptionalLong.empty();
            try {
                for (BlobWriter writer : writers) {
                    writer.commit();
                    writer.close();
                }
                Optional<String> problem = checks.problem(chunk, job, files, keys);
                if (problem.isPresent()) {
                    attempts.failed(chunk.id(), attempt, ChunkFailure.badOutput("segment refused: " + problem.get()));
                    throw Status.FAILED_PRECONDITION
                            .withDescription("segment refused: " + problem.get())
                            .asRuntimeException();
                }
                completed = attempts.recordResult(chunk.id(), attempt, rows, rendered);
            } finally {
                if (!completed) {
                    // This upload's own files only; another upload's are under other keys.
                    deleteAll();
                }
            }
            if (!completed) {
                throw Status.ABORTED
                        .withDescription(
                                "attempt " + attempt + " of chunk " + chunk.id() + " was taken back during the upload")
                        .asRuntimeException();
            }
            call.onNext(UploadSegmentResponse.newBuilder()
                    .addAllBlobKeys(keys.values())
                    .setSizeBytes(
                            files.stream().mapToLong(SegmentFile::getSizeBytes).sum())
                    .build());
            call.onCompleted();
            decodes.accepted(chunk, job, keys);
            attempts.completed(chunk, rendered);
        }

        /** Best effort: a file left behind is a leak, not a reason to hide why the upload failed. */
        private void deleteAll() {
            for (String key : keys.values()) {
                try {
                    blobs.delete(key);
                } catch (IOException e) {
                    log.warn("could not delete {} of a refused upload: {}", key, e.getMessage());
                }
            }
        }

        private void fail(StatusRuntimeException error) {
            failed = true;
            idleCheck.cancel(false);
            discard();
            try {
                call.onError(error);
            } catch (RuntimeException e) {
                log.debug("upload call already closed: {}", e.getMessage());
            }
        }

        private void discard() {
            for (BlobWriter writer : writers) {
                try {
                    writer.close();
                } catch (IOException e) {
                    log.debug("could not discard a partial segment: {}", e.getMessage());
                }
            }
        }
    }
}
