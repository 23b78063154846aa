package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.templates.TemplateCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs assigned chunks, one per slot, through the stages: fetch the template
 * ({@link TemplateStage}), render and encode ({@link RenderStage}), upload with retries
 * ({@link UploadStage}), report ({@link ReportStage}). A cancelled chunk stops its engine and
 * kills its encoder's process tree; whatever the attempt wrote is removed when it ends.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** The stages an attempt goes through, in order. */
    public record Stages(TemplateStage template, RenderStage render, UploadStage upload, ReportStage report) {
        public Stages {
            requireNonNull(template, "template is null");
            requireNonNull(render, "render is null");
            requireNonNull(upload, "upload is null");
            requireNonNull(report, "report is null");
        }
    }

    private final Stages stages;
    private final WorkDirectory scratch;
    private final ExecutorService slots;
    private final Map<String, Execution> running = new ConcurrentHashMap<>();

    /**
     * @param workDirectory where the stages write, cleaned of an attempt's leftovers when it ends
     * @param slots runs one attempt per thread; its size is the node's slots
     */
    public Worker(Stages stages, Path workDirectory, ExecutorService slots) {
        this.stages = requireNonNull(stages, "stages is null");
        this.scratch = new WorkDirectory(requireNonNull(workDirectory, "workDirectory is null"));
        this.slots = requireNonNull(slots, "slots is null");
    }

    /** One chunk attempt on this node. */
    private static final class Execution {
        final Assignment assignment;
        final Cancellation cancellation = new Cancellation();
        volatile Future<?> future;

        Execution(Assignment assignment) {
            this.assignment = assignment;
        }

        void cancel(String reason) {
            cancellation.cancel(reason);
            Future<?> task = future;
            if (task != null) {
                task.cancel(true);
            }
        }
    }

    /**
     * Executions are kept by chunk and attempt, as the node contract names an attempt: a new
     * attempt of a chunk may come while an old one winds down, and a cancel may not name the job.
     */
    private static String key(ChunkKey chunk) {
        return chunk.chunkId() + "#" + chunk.attempt();
    }

    /** Starts the attempt on a free slot. */
    public void assign(Assignment assignment) {
        ChunkKey key = assignment.chunk();
        Execution execution = new Execution(assignment);
        if (running.putIfAbsent(key(key), execution) != null) {
            log.warn(
                    "chunk {} attempt {} is already running here; ignoring a second assignment",
                    key.chunkId(),
                    key.attempt());
            return;
        }
        // An older attempt of the same chunk still here was taken back while this node was away:
        // the new attempt is the one that counts.
        for (Execution other : running.values()) {
            ChunkKey old = other.assignment.chunk();
            if (old.chunkId().equals(key.chunkId()) && old.attempt() < key.attempt()) {
                other.cancel("attempt " + key.attempt() + " of this chunk was assigned");
            }
        }
        execution.future = slots.submit(() -> run(execution));
    }

    /** Cancels the attempt {@code key} names by its chunk and attempt (its job id may be empty). */
    public void cancel(ChunkKey key, String reason) {
        Execution execution = running.get(key(key));
        if (execution != null) {
            log.info("cancelling chunk {} attempt {}: {}", key.chunkId(), key.attempt(), reason);
            execution.cancel(reason);
        }
    }

    public void cancelAll(String reason) {
        running.values().forEach(execution -> execution.cancel(reason));
    }

    /**
     * The attempts this node runs and means to finish: one being stopped is left out, so that a
     * hello or heartbeat never claims an attempt whose cancelled report is on its way.
     */
    public List<ChunkKey> running() {
        return running.values().stream()
                .filter(e -> !e.cancellation.isCancelled())
                .map(e -> e.assignment.chunk())
                .toList();
    }

    private void run(Execution execution) {
        Assignment assignment = execution.assignment;
        ChunkKey key = assignment.chunk();
        ReportStage report = stages.report();
        MDC.put("job", key.jobId());
        MDC.put("chunk", key.chunkId());
        List<Path> files = new ArrayList<>();
        long started = System.nanoTime();
        try {
            report.started(key);
            long fetched;
            long rendered;
            List<String> tiers;
            // The package stays in the cache (never evicted) while the engine reads it.
            try (TemplateCache.Lease lease = stages.template().fetch(assignment)) {
                fetched = System.nanoTime();
                tiers = stages.render()
                        .render(assignment, lease.directory(), execution.cancellation, files, report.events());
                rendered = System.nanoTime();
            }
            stages.upload().upload(assignment, files, tiers, TimeUnit.NANOSECONDS.toMillis(rendered - fetched));
            report.finished(assignment, started, fetched, rendered, System.nanoTime());
        } catch (InterruptedException e) {
            if (!execution.cancellation.isCancelled()) {
                Thread.currentThread().interrupt();
            }
            report.cancelled(key, execution.cancellation);
        } catch (EngineException e) {
            report.failed(key, e, execution.cancellation);
        } catch (RuntimeException e) {
            report.failed(key, e);
        } catch (OutOfMemoryError | StackOverflowError e) {
            report.failed(assignment, e, execution.cancellation);
        } finally {
            running.remove(key(key), execution);
            clean(key, files);
            MDC.remove("job");
            MDC.remove("chunk");
        }
    }

    /** Removes the attempt's files, and whatever else it left (an engine's folder a kill cut short). */
    private void clean(ChunkKey key, List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete {}: {}", file, e.getMessage());
            }
        }
        try {
            scratch.removeAttempt(UUID.fromString(key.chunkId()), key.attempt());
        } catch (IllegalArgumentException e) {
            log.warn("chunk id {} is not a UUID; nothing more to clean", key.chunkId());
        }
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
