package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.scheduling.JobCache;
import ir.flatrender.orchestrator.scheduling.JobLifecycle;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives segment uploads. The header is checked against the chunk's current attempt first
 * (fencing); parts are written to the blob store off the gRPC threads and the next part is
 * requested only once the last is on disk; the segment is verified and the chunk marked done
 * in one fenced statement, so an attempt that was handed elsewhere meanwhile is refused.
 */
public final class SegmentUploads {
    private static final Logger log = LoggerFactory.getLogger(SegmentUploads.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.COMPLETE));

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final JobCache jobs;
    private final JobLifecycle lifecycle;
    private final SegmentVerifier verifier;
    private final Executor io;
    private final long maxSegmentBytes;
    private final Path scratch;

    public SegmentUploads(
            Jdbi jdbi,
            BlobStore blobs,
            JobCache jobs,
            JobLifecycle lifecycle,
            SegmentVerifier verifier,
            Executor io,
            long maxSegmentBytes,
            Path scratch) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.io = requireNonNull(io, "io is null");
        this.maxSegmentBytes = maxSegmentBytes;
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    public StreamObserver<SegmentUpload> receive(StreamObserver<UploadSegmentResponse> responses) {
        ServerCallStreamObserver<UploadSegmentResponse> call =
                (ServerCallStreamObserver<UploadSegmentResponse>) responses;
        call.disableAutoRequest();
        Upload upload = new Upload(call, MoreExecutors.newSequentialExecutor(io));
        call.request(1);
        return upload;
    }

    private final class Upload implements StreamObserver<SegmentUpload> {
        private final ServerCallStreamObserver<UploadSegmentResponse> call;
        private final Executor serial;
        private SegmentHeader header;
        private ChunkRow chunk;
        private BlobWriter writer;
        private String key;
        private boolean failed;

        Upload(ServerCallStreamObserver<UploadSegmentResponse> call, Executor serial) {
            this.call = call;
            this.serial = serial;
        }

        @Override
        public void onNext(SegmentUpload part) {
            serial.execute(() -> {
                if (failed) {
                    return;
                }
                try {
                    if (part.hasHeader()) {
                        start(part.getHeader());
                    } else if (writer == null) {
                        throw Status.INVALID_ARGUMENT
                                .withDescription("the header must come first")
                                .asRuntimeException();
                    } else {
                        part.getData().writeTo(writer.stream());
                        if (writer.written() > header.getSizeBytes()) {
                            throw Status.INVALID_ARGUMENT
                                    .withDescription("more bytes than the header's " + header.getSizeBytes())
                                    .asRuntimeException();
                        }
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
            if (writer != null) {
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
            int frames = row.frameEnd() - row.frameStart() + 1;
            if (newHeader.getFrameCount() != frames) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                "segment says " + newHeader.getFrameCount() + " frames; the chunk has " + frames)
                        .asRuntimeException();
            }
            if (newHeader.getSizeBytes() <= 0 || newHeader.getSizeBytes() > maxSegmentBytes) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                "segment size " + newHeader.getSizeBytes() + " is outside 1-" + maxSegmentBytes)
                        .asRuntimeException();
            }
            header = newHeader;
            chunk = row;
            key = "segments/" + row.jobId() + "/" + row.seq() + "-" + row.attempt() + ".ts";
            writer = blobs.create(key);
        }

        @Override
        public void onError(Throwable error) {
            serial.execute(() -> {
                failed = true;
                discard();
                log.debug("segment upload cancelled by the node: {}", error.getMessage());
            });
        }

        @Override
        public void onCompleted() {
            serial.execute(() -> {
                if (failed) {
                    return;
                }
                try {
                    finish();
                } catch (StatusRuntimeException e) {
                    fail(e);
                } catch (IOException | RuntimeException e) {
                    log.warn("could not accept segment {}: {}", key, e.toString());
                    fail(Status.UNAVAILABLE
                            .withDescription("could not store the segment: " + e.getMessage())
                            .asRuntimeException());
                }
            });
        }

        private void finish() throws IOException {
            if (writer == null) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("no header was sent")
                        .asRuntimeException();
            }
            if (writer.written() != header.getSizeBytes()) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                "received " + writer.written() + " bytes; the header said " + header.getSizeBytes())
                        .asRuntimeException();
            }
            String sha256 = writer.sha256();
            if (!sha256.equals(header.getSha256())) {
                throw Status.DATA_LOSS
                        .withDescription(
                                "segment sha256 " + sha256 + " does not match the header's " + header.getSha256())
                        .asRuntimeException();
            }
            writer.commit();
            writer.close();
            long attempt = header.getChunk().getAttempt();
            JobRow job = jobs.get(chunk.jobId());
            Optional<String> problem = verify(job);
            if (problem.isPresent()) {
                blobs.delete(key);
                lifecycle.chunkFailed(chunk.id(), attempt, "bad output: " + problem.get());
                throw Status.FAILED_PRECONDITION
                        .withDescription("segment refused: " + problem.get())
                        .asRuntimeException();
            }
            int updated = jdbi.withExtension(
                    JobDao.class,
                    dao -> dao.completeChunk(chunk.id(), attempt, OUT_ON_NODE, key, header.getSizeBytes(), sha256));
            if (updated == 0) {
                blobs.delete(key);
                throw Status.ABORTED
                        .withDescription(
                                "attempt " + attempt + " of chunk " + chunk.id() + " was taken back during the upload")
                        .asRuntimeException();
            }
            call.onNext(UploadSegmentResponse.newBuilder()
                    .setBlobKey(key)
                    .setSizeBytes(header.getSizeBytes())
                    .build());
            call.onCompleted();
            lifecycle.chunkCompleted(chunk);
        }

        private Optional<String> verify(JobRow job) throws IOException {
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            Optional<Path> local = blobs.localPath(key);
            if (local.isPresent()) {
                return verifier.problem(local.get(), job, frames);
            }
            Path copy = Files.createTempFile(scratch, "segment-", ".ts");
            try (InputStream in = blobs.open(key, 0)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                return verifier.problem(copy, job, frames);
            } finally {
                Files.deleteIfExists(copy);
            }
        }

        private void fail(StatusRuntimeException error) {
            failed = true;
            discard();
            try {
                call.onError(error);
            } catch (RuntimeException e) {
                log.debug("upload call already closed: {}", e.getMessage());
            }
        }

        private void discard() {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    log.debug("could not discard partial segment {}: {}", key, e.getMessage());
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
