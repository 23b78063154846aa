package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.failures.FailureKind;
import java.util.UUID;

/**
 * The facts the jobs domain publishes on {@link ir.flatrender.orchestrator.events.DomainEvents}
 * (ARCHITECTURE.md, "The path of a job"): who acts on them subscribes, rather than being called.
 */
public sealed interface FarmEvent {
    /**
     * Chunks may have become pending: a job created, retried, requeued, resumed or given another
     * priority; a failed attempt to retry; chunks taken back; frames sent back by a repair.
     */
    record WorkAdded() implements FarmEvent {}

    /** Node capacity may have become free or usable (a slot freed, a node connected or enabled). */
    record CapacityChanged() implements FarmEvent {}

    /** A chunk's segments were accepted and the chunk is done. */
    record ChunkCompleted(ChunkRow chunk) implements FarmEvent {
        public ChunkCompleted {
            requireNonNull(chunk, "chunk is null");
        }
    }

    /** An attempt failed (recorded as such); {@code kind} is its failure kind. */
    record AttemptFailed(FailureKind kind) implements FarmEvent {
        public AttemptFailed {
            requireNonNull(kind, "kind is null");
        }
    }

    /** Every chunk of a video or snapshot job is done and the job is assembling: put it together. */
    record ReadyToAssemble(UUID jobId, JobKind kind) implements FarmEvent {
        public ReadyToAssemble {
            requireNonNull(jobId, "jobId is null");
            requireNonNull(kind, "kind is null");
        }
    }

    /**
     * An attempt is over on the orchestrator's side (done, failed, taken back, its job ended): its
     * node's slot is free, and the node is told to stop it as {@code stop} says.
     */
    record AttemptReleased(ChunkLease lease, String reason, StopOnNode stop) implements FarmEvent {
        public AttemptReleased {
            requireNonNull(lease, "lease is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(stop, "stop is null");
        }
    }

    /** Whether the node holding a released attempt is told to stop rendering it. */
    enum StopOnNode {
        /** It finished or failed there: nothing to stop. */
        NO,
        /** Stop it when the node's session still held it (it was taken back from a live node). */
        IF_HELD,
        /** Stop it in any case (its job ended). */
        ALWAYS
    }

    /**
     * A run of a job's assembly ended, however (succeeded, failed, sent chunks back to render, or
     * left for the sweep): the job's cached row is stale and its watchers look again.
     */
    record AssemblyEnded(UUID jobId) implements FarmEvent {}

    /** Something a job's watchers show changed (a chunk started on its node). */
    record JobChanged(UUID jobId) implements FarmEvent {}

    /** A node reported how many frames of an attempt it has rendered. */
    record ChunkProgressed(UUID jobId, UUID chunkId, long attempt, int framesDone) implements FarmEvent {}

    /** A node said how long it rendered a chunk of an engine (after its upload). */
    record ChunkRendered(String engine, long millis) implements FarmEvent {}

    /** A job's videos were assembled and stored, in {@code nanos}. */
    record JobAssembled(UUID jobId, long nanos) implements FarmEvent {}

    /** A check ({@code detectedBy}: segment_check, export_check) sent a chunk's frames back to render. */
    record ChunkRepaired(String detectedBy) implements FarmEvent {}

    /** A node was quarantined for failures across jobs. */
    record NodeQuarantined(UUID nodeId) implements FarmEvent {}

    /** A quarantined node was let back in: its failures turned out to be a job's fault. */
    record NodeReadmitted(UUID nodeId) implements FarmEvent {}
}
