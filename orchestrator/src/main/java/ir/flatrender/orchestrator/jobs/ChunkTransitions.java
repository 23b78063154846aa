package ir.flatrender.orchestrator.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * The chunk state machine as pure functions, and the fencing rule.
 *
 * <pre>
 * pending → running(node, attempt+1, lease, started) → done
 *   (assigned → running: a row claimed by an earlier version, which waited for ChunkStarted)
 *   assigned | running → pending (node lost, lease expired, or a failure with attempts left)
 *                      → dead    (a failure with no attempts left)
 *   pending | assigned | running → cancelled
 * </pre>
 */
public final class ChunkTransitions {
    public enum Event {
        /**
         * The claim: the attempt is handed to a node and counts as started (the node starts it on
         * receipt, so {@code ChunkStarted} needs no write of its own).
         */
        ASSIGN,
        /** An earlier version's claim ({@code assigned}) started; no longer written. */
        START,
        /** The segment was uploaded and accepted. */
        COMPLETE,
        /** The attempt failed on the node, or its segment was refused. */
        FAIL,
        /** The node went away or its lease expired; not counted as a failure. */
        LOSE_NODE,
        CANCEL
    }

    private ChunkTransitions() {}

    public static Set<ChunkState> from(Event event) {
        return switch (event) {
            case ASSIGN -> EnumSet.of(ChunkState.PENDING);
            case START -> EnumSet.of(ChunkState.ASSIGNED);
            case COMPLETE, FAIL, LOSE_NODE -> EnumSet.of(ChunkState.ASSIGNED, ChunkState.RUNNING);
            case CANCEL -> EnumSet.of(ChunkState.PENDING, ChunkState.ASSIGNED, ChunkState.RUNNING);
        };
    }

    /**
     * The state after an event other than {@link Event#FAIL}.
     *
     * @throws IllegalStateException when the event does not apply
     */
    public static ChunkState next(ChunkState current, Event event) {
        if (event == Event.FAIL) {
            throw new IllegalArgumentException("use afterFailure for failures");
        }
        check(current, event);
        return switch (event) {
            case ASSIGN -> ChunkState.RUNNING;
            case START -> ChunkState.RUNNING;
            case COMPLETE -> ChunkState.DONE;
            case LOSE_NODE -> ChunkState.PENDING;
            case CANCEL -> ChunkState.CANCELLED;
            case FAIL -> throw new AssertionError();
        };
    }

    /**
     * The state after a failed attempt: back to pending while attempts remain, else dead.
     *
     * @param failuresBefore failures counted before this one
     * @param maxAttempts the job's limit of attempts per chunk
     */
    public static ChunkState afterFailure(ChunkState current, int failuresBefore, int maxAttempts) {
        check(current, Event.FAIL);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
        }
        return failuresBefore + 1 >= maxAttempts ? ChunkState.DEAD : ChunkState.PENDING;
    }

    /**
     * Whether a message about a chunk attempt may change the chunk: only the attempt the
     * chunk is on now, while it is out on a node. Anything else is a stale message from an
     * attempt that was requeued, and is ignored.
     */
    public static boolean isCurrent(ChunkState state, long currentAttempt, long messageAttempt) {
        return state.isActive() && currentAttempt == messageAttempt;
    }

    private static void check(ChunkState current, Event event) {
        if (!from(event).contains(current)) {
            throw new IllegalStateException("chunk in state " + current.dbName() + " cannot take " + event);
        }
    }
}
