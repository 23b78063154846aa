package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.Termination;
import ir.flatrender.node.encoding.SegmentEncoder;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.engines.FrameSink;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.ChunkFinished;
import ir.flatrender.proto.farm.v1.ChunkProgress;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkStarted;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.FailureKind;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.OutputSpec;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs assigned chunks, one per slot: fetch the template, render with the engine into the
 * segment encoder, upload the segment, report. A cancelled chunk stops its engine and kills
 * its encoder's process tree.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How long an upload is tried again while the orchestrator cannot be reached. */
    static final Duration UPLOAD_RETRY_WINDOW = Duration.ofSeconds(60);

    private final Engines engines;
    private final TemplateCache cache;
    private final SegmentUploader uploader;
    private final ProcessSupervisor supervisor;
    private final FfmpegBinaries ffmpeg;
    private final ObjectMapper json;
    private final Path workDirectory;
    private final WorkDirectory scratch;
    private final Duration chunkDeadline;
    private final Duration noProgressTimeout;
    private final Consumer<NodeEvent> events;
    private final Supplier<String> nodeId;
    private final ExecutorService slots;
    private final Map<String, Execution> running = new ConcurrentHashMap<>();

    public Worker(
            Engines engines,
            TemplateCache cache,
            SegmentUploader uploader,
            ProcessSupervisor supervisor,
            FfmpegBinaries ffmpeg,
            ObjectMapper json,
            Path workDirectory,
            Duration chunkDeadline,
            Duration noProgressTimeout,
            Consumer<NodeEvent> events,
            Supplier<String> nodeId,
            ExecutorService slots) {
        this.engines = requireNonNull(engines, "engines is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.uploader = requireNonNull(uploader, "uploader is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.ffmpeg = requireNonNull(ffmpeg, "ffmpeg is null");
        this.json = requireNonNull(json, "json is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.scratch = new WorkDirectory(workDirectory);
        this.chunkDeadline = requireNonNull(chunkDeadline, "chunkDeadline is null");
        this.noProgressTimeout = requireNonNull(noProgressTimeout, "noProgressTimeout is null");
        this.events = requireNonNull(events, "events is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.slots = requireNonNull(slots, "slots is null");
    }

    /** One chunk attempt on this node. */
    private static final class Execution {
        final AssignChunk assign;
        volatile boolean cancelled;
        volatile String cancelReason = "";
        volatile SegmentEncoder encoder;
        volatile Future<?> future;

        Execution(AssignChunk assign) {
            this.assign = assign;
        }

        void cancel(String reason) {
            cancelReason = reason;
            cancelled = true;
            SegmentEncoder current = encoder;
            if (current != null) {
                current.kill(reason);
            }
            Future<?> task = future;
            if (task != null) {
                task.cancel(true);
            }
        }
    }

    /** Executions are kept by chunk and attempt: a new attempt of a chunk may come while an old one winds down. */
    private static String key(ChunkRef ref) {
        return ref.getChunkId() + "#" + ref.getAttempt();
    }

    public void assign(AssignChunk assign) {
        ChunkRef ref = assign.getChunk();
        Execution execution = new Execution(assign);
        if (running.putIfAbsent(key(ref), execution) != null) {
            log.warn(
                    "chunk {} attempt {} is already running here; ignoring a second assignment",
                    ref.getChunkId(),
                    ref.getAttempt());
            return;
        }
        // An older attempt of the same chunk still here was taken back while this node was away:
        // the new attempt is the one that counts.
        for (Execution other : running.values()) {
            ChunkRef old = other.assign.getChunk();
            if (old.getChunkId().equals(ref.getChunkId()) && old.getAttempt() < ref.getAttempt()) {
                other.cancel("attempt " + ref.getAttempt() + " of this chunk was assigned");
            }
        }
        execution.future = slots.submit(() -> run(execution));
    }

    public void cancel(ChunkRef ref, String reason) {
        Execution execution = running.get(key(ref));
        if (execution != null) {
            log.info("cancelling chunk {} attempt {}: {}", ref.getChunkId(), ref.getAttempt(), reason);
            execution.cancel(reason);
        }
    }

    public void cancelAll(String reason) {
        running.values().forEach(execution -> execution.cancel(reason));
    }

    public List<ChunkRef> running() {
        return running.values().stream().map(e -> e.assign.getChunk()).toList();
    }

    private void run(Execution execution) {
        AssignChunk assign = execution.assign;
        ChunkRef ref = assign.getChunk();
        MDC.put("job", ref.getJobId());
        MDC.put("chunk", ref.getChunkId());
        List<Path> files = new java.util.ArrayList<>();
        long started = System.nanoTime();
        try {
            events.accept(NodeEvent.newBuilder()
                    .setChunkStarted(ChunkStarted.newBuilder().setChunk(ref))
                    .build());
            TemplateCache.Lease lease;
            try {
                lease = cache.get(assign.getTemplate());
            } catch (IOException e) {
                throw new EngineException(
                        FailureKind.FAILURE_KIND_TEMPLATE_FETCH,
                        "could not get the template package: " + e.getMessage());
            }
            long fetched;
            long rendered;
            List<SegmentFile> uploads;
            // The package stays in the cache (never evicted) while the engine reads it.
            try (lease) {
                fetched = System.nanoTime();
                uploads = assign.getTask() == ChunkTask.CHUNK_TASK_AUDIO
                        ? renderAudio(execution, lease.directory(), files)
                        : render(execution, lease.directory(), files);
                rendered = System.nanoTime();
            }
            upload(ref, files, uploads, assign);
            long uploaded = System.nanoTime();
            events.accept(NodeEvent.newBuilder()
                    .setChunkFinished(ChunkFinished.newBuilder()
                            .setChunk(ref)
                            .setFetchMillis(TimeUnit.NANOSECONDS.toMillis(fetched - started))
                            .setRenderMillis(TimeUnit.NANOSECONDS.toMillis(rendered - fetched))
                            .setUploadMillis(TimeUnit.NANOSECONDS.toMillis(uploaded - rendered)))
                    .build());
            log.info(
                    "chunk {} frames {}-{} done in {} ms (render+encode {} ms)",
                    ref.getChunkId(),
                    assign.getFrames().getStart(),
                    assign.getFrames().getEnd(),
                    TimeUnit.NANOSECONDS.toMillis(uploaded - started),
                    TimeUnit.NANOSECONDS.toMillis(rendered - fetched));
        } catch (InterruptedException e) {
            if (!execution.cancelled) {
                Thread.currentThread().interrupt();
            }
            report(ref, FailureKind.FAILURE_KIND_CANCELLED, "cancelled: " + execution.cancelReason, "", -1);
        } catch (EngineException e) {
            if (execution.cancelled) {
                report(ref, FailureKind.FAILURE_KIND_CANCELLED, "cancelled: " + execution.cancelReason, "", -1);
            } else {
                log.warn("chunk {} failed: {}", ref.getChunkId(), e.getMessage());
                report(ref, e.kind(), e.getMessage(), e.logTail(), e.exitCode());
            }
        } catch (RuntimeException e) {
            log.error("chunk {} failed unexpectedly", ref.getChunkId(), e);
            report(ref, FailureKind.FAILURE_KIND_CRASH, "node error: " + e, "", -1);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // An engine drawing in this JVM can run out of heap or stack on one chunk (a huge
            // wrapped text with shadows). The attempt's objects are unreachable once this frame
            // unwinds, so the node carries on; uncaught, the slot's executor would swallow it and
            // the chunk would come back only when its lease ran out, its cause lost.
            if (execution.cancelled) {
                report(ref, FailureKind.FAILURE_KIND_CANCELLED, "cancelled: " + execution.cancelReason, "", -1);
                return;
            }
            log.error("chunk {} failed: the node ran out of {}", ref.getChunkId(), outOf(e), e);
            // Out of memory may be the load on this node (other slots' chunks), not the job's
            // fault: the kind the engines give it, which is not judged deterministic.
            report(
                    ref,
                    e instanceof OutOfMemoryError
                            ? FailureKind.FAILURE_KIND_OUT_OF_MEMORY
                            : FailureKind.FAILURE_KIND_CRASH,
                    "node error: the node ran out of " + outOf(e) + " rendering frames "
                            + assign.getFrames().getStart() + "-"
                            + assign.getFrames().getEnd() + " (" + e + ")",
                    "",
                    -1);
        } finally {
            running.remove(key(ref), execution);
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", file, e.getMessage());
                }
            }
            // Whatever else the attempt left (an engine's folder a kill cut short).
            try {
                scratch.removeAttempt(java.util.UUID.fromString(ref.getChunkId()), ref.getAttempt());
            } catch (IllegalArgumentException e) {
                log.warn("chunk id {} is not a UUID; nothing more to clean", ref.getChunkId());
            }
            MDC.remove("job");
            MDC.remove("chunk");
        }
    }

    private static String outOf(VirtualMachineError e) {
        return e instanceof OutOfMemoryError ? "memory" : "stack";
    }

    private Engine engine(AssignChunk assign) throws EngineException {
        return engines.get(assign.getEngine())
                .orElseThrow(() -> new EngineException(
                        FailureKind.FAILURE_KIND_LAUNCH_FAILURE, "this node has no " + assign.getEngine() + " engine"));
    }

    private List<SegmentFile> renderAudio(Execution execution, Path packageDirectory, List<Path> files)
            throws EngineException, InterruptedException {
        AssignChunk assign = execution.assign;
        Path wav = workDirectory.resolve(
                assign.getChunk().getChunkId() + "-" + assign.getChunk().getAttempt() + "-audio.wav");
        files.add(wav);
        try {
            engine(assign).renderAudio(request(assign, packageDirectory), wav, () -> execution.cancelled);
            if (!Files.isRegularFile(wav) || Files.size(wav) == 0) {
                throw new EngineException(FailureKind.FAILURE_KIND_BAD_OUTPUT, "the engine wrote no audio");
            }
        } catch (IOException e) {
            throw new EngineException(FailureKind.FAILURE_KIND_CRASH, "rendering the audio failed: " + e.getMessage());
        }
        return List.of(SegmentFile.newBuilder().setTier("audio").build());
    }

    private EngineRequest request(AssignChunk assign, Path packageDirectory) throws EngineException {
        try {
            JsonNode manifest =
                    json.readTree(packageDirectory.resolve("template.json").toFile());
            return new EngineRequest(
                    assign.getChunk().getJobId(),
                    assign.getChunk().getChunkId(),
                    assign.getChunk().getAttempt(),
                    packageDirectory,
                    manifest,
                    assign.getComposition(),
                    assign.getAspect(),
                    assign.getFrames().getStart(),
                    assign.getFrames().getEnd(),
                    assign.getFps(),
                    assign.getRenderSize().getWidth(),
                    assign.getRenderSize().getHeight(),
                    (ObjectNode) json.readTree(assign.getBindingsJson()));
        } catch (IOException | ClassCastException | IllegalArgumentException e) {
            throw new EngineException(FailureKind.FAILURE_KIND_LAUNCH_FAILURE, "bad assignment: " + e.getMessage());
        }
    }

    private List<SegmentFile> render(Execution execution, Path packageDirectory, List<Path> files)
            throws EngineException, InterruptedException {
        AssignChunk assign = execution.assign;
        Engine engine = engine(assign);
        EngineRequest request = request(assign, packageDirectory);
        List<SegmentEncoder.Target> targets = new java.util.ArrayList<>();
        for (OutputSpec output : assign.getOutputsList()) {
            String extension = switch (output.getFormat()) {
                case "png" -> "png";
                case "jpeg" -> "jpg";
                default -> "ts";
            };
            Path file = workDirectory.resolve(assign.getChunk().getChunkId() + "-"
                    + assign.getChunk().getAttempt() + "-" + output.getTier() + "." + extension);
            files.add(file);
            targets.add(new SegmentEncoder.Target(output, file));
        }
        if (targets.isEmpty()) {
            throw new EngineException(FailureKind.FAILURE_KIND_LAUNCH_FAILURE, "bad assignment: no outputs");
        }
        SegmentEncoder.Settings settings = new SegmentEncoder.Settings(
                assign.getEncoder(),
                assign.getRenderSize().getWidth(),
                assign.getRenderSize().getHeight(),
                targets,
                assign.getFps(),
                assign.getFrames().getStart(),
                workDirectory,
                chunkDeadline,
                noProgressTimeout);
        if (execution.cancelled) {
            throw new InterruptedException("cancelled");
        }
        Progress progress = new Progress(assign.getChunk());
        try (LazyEncoder encoder = new LazyEncoder(settings, execution)) {
            try {
                engine.render(
                        request,
                        new FrameSink() {
                            @Override
                            public void frame(BufferedImage frame) throws IOException {
                                encoder.frame(frame);
                                progress.frameDone();
                            }

                            @Override
                            public void rendered(int frames) {
                                progress.rendered(frames);
                            }
                        },
                        () -> execution.cancelled);
            } catch (EncoderStopped e) {
                if (e.getCause() != null) {
                    throw new EngineException(
                            FailureKind.FAILURE_KIND_LAUNCH_FAILURE,
                            "could not start ffmpeg: " + e.getCause().getMessage());
                }
                // The encoder stopped taking frames; its own outcome says why.
                ProcessOutcome outcome = encoder.started().finish();
                throw encoderFailure(
                        outcome,
                        "ffmpeg stopped taking frames after "
                                + encoder.started().framesWritten());
            } catch (IOException e) {
                // The engine's own files (frames, props, scripts), not the encoder.
                throw new EngineException(
                        FailureKind.FAILURE_KIND_CRASH, "the " + engine.name() + " engine failed: " + e.getMessage());
            }
            int written = encoder.isStarted() ? encoder.started().framesWritten() : 0;
            if (encoder.isStarted()) {
                ProcessOutcome outcome = encoder.started().finish();
                if (!outcome.succeeded()) {
                    throw encoderFailure(outcome, "ffmpeg failed");
                }
            }
            if (written != request.frameCount()) {
                throw new EngineException(
                        FailureKind.FAILURE_KIND_BAD_OUTPUT,
                        "the engine gave " + written + " frames; the chunk has " + request.frameCount());
            }
            progress.finish(written);
        }
        return assign.getOutputsList().stream()
                .map(output ->
                        SegmentFile.newBuilder().setTier(output.getTier()).build())
                .toList();
    }

    /** The encoder refused a frame ({@code getCause()} set: it could not even start). */
    private static final class EncoderStopped extends IOException {
        EncoderStopped(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * The chunk's encoder, started at the engine's first frame: an engine program (Remotion,
     * After Effects) renders all its frames before handing any over, and ffmpeg, idle until
     * then, would run out its no-progress watchdog; an engine that fails first starts none.
     */
    private final class LazyEncoder implements AutoCloseable {
        private final SegmentEncoder.Settings settings;
        private final Execution execution;
        private SegmentEncoder encoder;

        LazyEncoder(SegmentEncoder.Settings settings, Execution execution) {
            this.settings = settings;
            this.execution = execution;
        }

        void frame(BufferedImage frame) throws EncoderStopped {
            if (encoder == null) {
                try {
                    encoder = SegmentEncoder.start(supervisor, ffmpeg, settings);
                } catch (IOException e) {
                    throw new EncoderStopped("could not start ffmpeg", e);
                }
                execution.encoder = encoder;
                if (execution.cancelled) {
                    // Cancelled between the check and the start: Execution.cancel saw no encoder.
                    encoder.kill(execution.cancelReason);
                }
            }
            try {
                encoder.frame(frame);
            } catch (IOException e) {
                throw new EncoderStopped("ffmpeg stopped taking frames", null);
            }
        }

        boolean isStarted() {
            return encoder != null;
        }

        SegmentEncoder started() {
            return encoder;
        }

        @Override
        public void close() {
            if (encoder != null) {
                encoder.close();
            }
        }
    }

    private static EngineException encoderFailure(ProcessOutcome outcome, String what) {
        FailureKind kind = outcome.termination() == Termination.NO_PROGRESS
                        || outcome.termination() == Termination.DEADLINE_EXCEEDED
                ? FailureKind.FAILURE_KIND_HANG
                : FailureKind.FAILURE_KIND_CRASH;
        return EngineException.ofProcess(kind, what + ": " + outcome.describe(), outcome);
    }

    /** Uploads the attempt's files; the names come from the render, sizes and digests from disk. */
    private void upload(ChunkRef ref, List<Path> files, List<SegmentFile> names, AssignChunk assign)
            throws EngineException, InterruptedException {
        try {
            SegmentHeader.Builder header = SegmentHeader.newBuilder()
                    .setChunk(ref)
                    .setNodeId(nodeId.get())
                    .setFrameCount(
                            assign.getFrames().getEnd() - assign.getFrames().getStart() + 1);
            for (int i = 0; i < files.size(); i++) {
                header.addFiles(names.get(i).toBuilder()
                        .setSizeBytes(Files.size(files.get(i)))
                        .setSha256(sha256(files.get(i))));
            }
            uploadRetrying(files, header.build());
        } catch (IOException e) {
            throw new EngineException(FailureKind.FAILURE_KIND_UPLOAD, "upload failed: " + e.getMessage());
        } catch (ExecutionException e) {
            Status status = Status.fromThrowable(e.getCause());
            throw new EngineException(
                    status.getCode() == Status.Code.FAILED_PRECONDITION
                            ? FailureKind.FAILURE_KIND_BAD_OUTPUT
                            : FailureKind.FAILURE_KIND_UPLOAD,
                    "upload refused: " + status.getCode() + " " + status.getDescription());
        }
    }

    /**
     * Uploads, trying again while the orchestrator is unreachable (restarting, or failing over)
     * for up to {@link #UPLOAD_RETRY_WINDOW}: the segment is the chunk's whole work. If the
     * attempt was taken back meanwhile, the orchestrator refuses the upload at its header.
     */
    /** Uploads that arrived damaged sent again before the attempt counts as failed. */
    private static final int MAX_DAMAGED_UPLOADS = 2;

    private void uploadRetrying(List<Path> files, SegmentHeader header)
            throws IOException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + UPLOAD_RETRY_WINDOW.toNanos();
        int damaged = 0;
        for (int attempt = 0; ; attempt++) {
            try {
                uploader.upload(files, header);
                return;
            } catch (ExecutionException e) {
                Status.Code code = Status.fromThrowable(e.getCause()).getCode();
                // DATA_LOSS: the bytes arrived damaged (their sha256 did not match); the files
                // here are fine, so they are sent again, a few times, rather than rendered again.
                boolean again = code == Status.Code.UNAVAILABLE
                        ? System.nanoTime() <= deadline
                        : code == Status.Code.DATA_LOSS && ++damaged <= MAX_DAMAGED_UPLOADS;
                if (!again) {
                    throw e;
                }
                long backoff = Math.min(5_000, 250L << Math.min(attempt, 5));
                log.info(
                        "upload of chunk {} failed ({}); trying again in {} ms",
                        header.getChunk().getChunkId(),
                        code,
                        backoff);
                TimeUnit.MILLISECONDS.sleep(backoff);
            }
        }
    }

    private void report(ChunkRef ref, FailureKind kind, String message, String logTail, int exitCode) {
        events.accept(NodeEvent.newBuilder()
                .setChunkFailed(ChunkFailed.newBuilder()
                        .setChunk(ref)
                        .setKind(kind)
                        .setMessage(message)
                        .setExitCode(exitCode)
                        .setLogTail(logTail))
                .build());
    }

    /**
     * Sends progress at most four times a second: the frames handed to the encoder, or, while an
     * engine program is still working, the frames it says it has rendered (whichever is more).
     * Engine programs report from their output threads, hence the lock.
     */
    private final class Progress {
        private final ChunkRef ref;
        private int fed;
        private int done;
        private long lastSent = System.nanoTime();

        Progress(ChunkRef ref) {
            this.ref = ref;
        }

        synchronized void frameDone() {
            fed++;
            advance(fed);
        }

        synchronized void rendered(int frames) {
            advance(frames);
        }

        private void advance(int frames) {
            if (frames <= done) {
                return;
            }
            done = frames;
            long now = System.nanoTime();
            if (now - lastSent >= PROGRESS_INTERVAL_NANOS) {
                lastSent = now;
                send(done);
            }
        }

        synchronized void finish(int total) {
            done = total;
            send(total);
        }

        private void send(int frames) {
            events.accept(NodeEvent.newBuilder()
                    .setChunkProgress(ChunkProgress.newBuilder().setChunk(ref).setFramesDone(frames))
                    .build());
        }
    }

    static String sha256(Path file) throws IOException {
        return com.google.common.io.Files.asByteSource(file.toFile())
                .hash(com.google.common.hash.Hashing.sha256())
                .toString();
    }

    @Override
    public void close() {
        cancelAll("node shutting down");
        slots.shutdownNow();
        try {
            slots.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
