package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Executor;
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
 * #STALLED_KIND}), so heartbeats that still list the attempt no longer renew its lease and the
 * chunk is handed out again.
 */
public final class SegmentUploads {
    private static final Logger log = LoggerFactory.getLogger(SegmentUploads.class);
    public static final String AUDIO = "audio";
    /** The largest data part accepted: parts are buffered whole, so their size bounds an upload's memory. */
    public static final int MAX_PART_BYTES = 1 << 20;
    /** The failure kind of an attempt whose upload stalled. */
    static final String STALLED_KIND = "upload_stalled";

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final JobCache jobs;
    private final Attempts attempts;
    private final SegmentVerifier verifier;
    private final Executor io;
    private final long maxSegmentBytes;
    private final Path scratch;
    private final Duration idleTimeout;
    private final ScheduledExecutorService watchdog;

    public SegmentUploads(
            Jdbi jdbi,
            BlobStore blobs,
            JobCache jobs,
            Attempts attempts,
            SegmentVerifier verifier,
            Executor io,
            long maxSegmentBytes,
            Path scratch,
            Duration idleTimeout,
            ScheduledExecutorService watchdog) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.attempts = requireNonNull(attempts, "attempts is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.io = requireNonNull(io, "io is null");
        this.maxSegmentBytes = maxSegmentBytes;
        this.scratch = requireNonNull(scratch, "scratch is null");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
        this.watchdog = requireNonNull(watchdog, "watchdog is null");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
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

    /**
     * The blob key of one upload's file. Each upload has its own, even for the same attempt
     * (a node retrying an upload whose answer it never saw), so the loser of two uploads
     * deletes only its own files.
     */
    static String key(ChunkRow chunk, String tier, String format, String uploadId) {
        String extension = switch (format) {
            case "png" -> "png";
            case "jpeg" -> "jpg";
            case "wav" -> "wav";
            default -> "ts";
        };
        return "segments/" + chunk.jobId() + "/" + chunk.seq() + "-" + chunk.attempt() + "-" + uploadId + "-" + tier
                + "." + extension;
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
                        new ChunkFailure(STALLED_KIND, message, OptionalInt.empty(), ""));
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
            UUID chunkId = parse(newHeader.getChunk().getChunkId(), "chunk_id");
            UUID nodeId = parse(newHeader.getNodeId(), "node_id");
            ChunkRow row = jdbi.withExtension(JobDao.class, dao -> dao.findChunk(chunkId))
                    .orElseThrow(() -> Status.NOT_FOUND
                            .withDescription("no chunk " + chunkId)
                            .asRuntimeException());
            if (row.nodeId() != null
                    && !nodeId.equals(row.nodeId())
                    && row.attempt() == newHeader.getChunk().getAttempt()) {
                // The attempt is current but it is not this node's: say so, not "no longer current".
                throw Status.INVALID_ARGUMENT
                        .withDescription("node_id " + nodeId + " is not the node that holds attempt " + row.attempt()
                                + " of chunk " + chunkId + " (another node does); SegmentHeader.node_id must be the"
                                + " node_id of this node's Welcome")
                        .asRuntimeException();
            }
            if (!ChunkTransitions.isCurrent(
                            row.chunkState(),
                            row.attempt(),
                            newHeader.getChunk().getAttempt())
                    || !nodeId.equals(row.nodeId())) {
                throw Status.ABORTED
                        .withDescription("attempt " + newHeader.getChunk().getAttempt() + " of chunk " + chunkId
                                + " is no longer current (the chunk is " + row.state() + " at attempt " + row.attempt()
                                + ")")
                        .asRuntimeException();
            }
            // The header's node_id is the node's own word; the credential is proof (issue 14, case 3).
            if (callerNode.isPresent()
                    && !jdbi.withExtension(NodeDao.class, dao -> dao.find(row.nodeId()))
                            .map(NodeRow::name)
                            .equals(callerNode)) {
                throw Status.PERMISSION_DENIED
                        .withDescription("chunk " + chunkId + " is leased to another node, not " + callerNode.get())
                        .asRuntimeException();
            }
            int frames = row.frameEnd() - row.frameStart() + 1;
            if (!row.isAudioTask() && newHeader.getFrameCount() != frames) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                "segment says " + newHeader.getFrameCount() + " frames; the chunk has " + frames)
                        .asRuntimeException();
            }
            JobRow owner = jobs.get(row.jobId());
            List<String> expected = row.isAudioTask()
                    ? List.of(AUDIO)
                    : owner.outputs().stream().map(Output::tier).toList();
            List<String> sent =
                    newHeader.getFilesList().stream().map(SegmentFile::getTier).toList();
            if (!sent.equals(expected)) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("the attempt must upload " + expected + " in that order, not " + sent)
                        .asRuntimeException();
            }
            for (SegmentFile file : newHeader.getFilesList()) {
                if (file.getSizeBytes() <= 0 || file.getSizeBytes() > maxSegmentBytes) {
                    throw Status.INVALID_ARGUMENT
                            .withDescription(file.getTier() + " size " + file.getSizeBytes() + " is outside 1-"
                                    + maxSegmentBytes)
                            .asRuntimeException();
                }
            }
            header = newHeader;
            chunk = row;
            job = owner;
            files.addAll(newHeader.getFilesList());
            for (SegmentFile file : files) {
                String format =
                        row.isAudioTask() ? "wav" : output(file.getTier()).format();
                String key = key(row, file.getTier(), format, uploadId);
                keys.put(file.getTier(), key);
                writers.add(blobs.create(key));
            }
        }

        private Output output(String tier) {
            return job.outputs().stream()
                    .filter(o -> o.tier().equals(tier))
                    .findFirst()
                    .orElseThrow();
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
            try {
                for (BlobWriter writer : writers) {
                    writer.commit();
                    writer.close();
                }
                Optional<String> problem = verify();
                if (problem.isPresent()) {
                    attempts.failed(chunk.id(), attempt, ChunkFailure.badOutput("segment refused: " + problem.get()));
                    throw Status.FAILED_PRECONDITION
                            .withDescription("segment refused: " + problem.get())
                            .asRuntimeException();
                }
                completed = attempts.recordResult(chunk.id(), attempt, rows);
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
            attempts.completed(chunk);
        }

        private Optional<String> verify() throws IOException {
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            for (SegmentFile file : files) {
                String key = keys.get(file.getTier());
                Optional<String> problem = withLocalFile(
                        key,
                        path -> chunk.isAudioTask()
                                ? verifier.audioProblem(path)
                                : verifier.problem(
                                        path, output(file.getTier()), chunk.frameStart(), frames, job.fps()));
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }

        private Optional<String> withLocalFile(String key, java.util.function.Function<Path, Optional<String>> check)
                throws IOException {
            Optional<Path> local = blobs.localPath(key);
            if (local.isPresent()) {
                return check.apply(local.get());
            }
            Path copy = Files.createTempFile(scratch, "segment-", ".bin");
            try (InputStream in = blobs.open(key, 0)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                return check.apply(copy);
            } finally {
                Files.deleteIfExists(copy);
            }
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

    private static UUID parse(String text, String field) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(field + " is not a UUID: " + text)
                    .asRuntimeException();
        }
    }
}
