package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage: tells the orchestrator how an attempt went. A cancelled attempt stays
 * cancelled whatever it ended with; anything else is judged by what ended it.
 */
public final class ReportStage {
    private static final Logger log = LoggerFactory.getLogger(ReportStage.class);

    private final Consumer<ChunkEvent> events;

    public ReportStage(Consumer<ChunkEvent> events) {
        this.events = requireNonNull(events, "events is null");
    }

    /** Where the stages' own events (progress) go. */
    Consumer<ChunkEvent> events() {
        return events;
    }

    void started(ChunkKey chunk) {
        events.accept(new ChunkEvent.Started(chunk));
    }

    /**
     * The attempt's upload was accepted; logs how long it took. Nothing is sent: the upload's
     * header carried the render time, so {@code ChunkFinished} (optional) would only cost the
     * orchestrator a transaction. The times are {@link System#nanoTime()} readings at the start
     * and after each stage.
     */
    void finished(Assignment assignment, long started, long fetched, long rendered, long uploaded) {
        ChunkKey chunk = assignment.chunk();
        log.info(
                "chunk {} frames {}-{} done in {} ms (render+encode {} ms)",
                chunk.chunkId(),
                assignment.firstFrame(),
                assignment.lastFrame(),
                millis(uploaded - started),
                millis(rendered - fetched));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    void cancelled(ChunkKey chunk, Cancellation cancellation) {
        failed(chunk, FailureKind.CANCELLED, "cancelled: " + cancellation.reason(), "", -1);
    }

    /** An engine, the encoder, the fetch or the upload failed (or the attempt was cancelled). */
    void failed(ChunkKey chunk, EngineException e, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            cancelled(chunk, cancellation);
        } else {
            log.warn("chunk {} failed: {}", chunk.chunkId(), e.getMessage());
            failed(chunk, e.kind(), e.getMessage(), e.logTail(), e.exitCode());
        }
    }

    /** A bug in the node. */
    void failed(ChunkKey chunk, RuntimeException e) {
        log.error("chunk {} failed unexpectedly", chunk.chunkId(), e);
        failed(chunk, FailureKind.CRASH, "node error: " + e, "", -1);
    }

    /**
     * An engine drawing in this JVM can run out of heap or stack on one chunk (a huge wrapped
     * text with shadows). The attempt's objects are unreachable once its frame unwinds, so the
     * node carries on; uncaught, the slot's executor would swallow it and the chunk would come
     * back only when its lease ran out, its cause lost.
     */
    void failed(Assignment assignment, VirtualMachineError e, Cancellation cancellation) {
        ChunkKey chunk = assignment.chunk();
        if (cancellation.isCancelled()) {
            cancelled(chunk, cancellation);
            return;
        }
        String outOf = e instanceof OutOfMemoryError ? "memory" : "stack";
        log.error("chunk {} failed: the node ran out of {}", chunk.chunkId(), outOf, e);
        // Out of memory may be the load on this node (other slots' chunks), not the job's
        // fault: the kind the engines give it, which is not judged deterministic.
        failed(
                chunk,
                e instanceof OutOfMemoryError ? FailureKind.OUT_OF_MEMORY : FailureKind.CRASH,
                "node error: the node ran out of " + outOf + " rendering frames " + assignment.firstFrame() + "-"
                        + assignment.lastFrame() + " (" + e + ")",
                "",
                -1);
    }

    private void failed(ChunkKey chunk, FailureKind kind, String message, String logTail, int exitCode) {
        events.accept(new ChunkEvent.Failed(chunk, kind, message, logTail, exitCode));
    }
}
