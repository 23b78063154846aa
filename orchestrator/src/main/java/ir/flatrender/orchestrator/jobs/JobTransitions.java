package ir.flatrender.orchestrator.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * The job state machine as pure functions. The SQL that moves a job names the states these
 * functions allow it to come from, so the database and this table cannot disagree.
 *
 * <pre>
 * queued → running → assembling → succeeded
 *   assembling → running (frames found wrong are rendered again)
 *   any active state → failed | cancelled;  queued | running ⇄ paused
 *   failed | cancelled → queued (retried: only the chunks not done render again)
 *   succeeded | failed | cancelled → queued (an operator's requeue of some of its chunks)
 * </pre>
 */
public final class JobTransitions {
    /** What happened to a job. */
    public enum Event {
        /** A first chunk was handed to a node. */
        CHUNK_DISPATCHED,
        /** Every chunk is done; assembly may start. */
        ALL_CHUNKS_DONE,
        /** The export is written and verified. */
        ASSEMBLED,
        /** A chunk used up its attempts, or assembly failed. */
        FAILED,
        CANCEL,
        PAUSE,
        RESUME,
        /** Checks before or after assembly found frames wrong; they render again. */
        REPAIR,
        /** An operator retries a failed or cancelled job. */
        RETRY,
        /** An operator sends chunks of an ended job back to render. */
        REQUEUE
    }

    private JobTransitions() {}

    /** The states a job may be in for the event to apply. */
    public static Set<JobState> from(Event event) {
        return switch (event) {
            case CHUNK_DISPATCHED -> EnumSet.of(JobState.QUEUED);
            case ALL_CHUNKS_DONE -> EnumSet.of(JobState.RUNNING, JobState.QUEUED);
            case ASSEMBLED -> EnumSet.of(JobState.ASSEMBLING);
            case FAILED -> EnumSet.of(JobState.QUEUED, JobState.RUNNING, JobState.ASSEMBLING, JobState.PAUSED);
            case CANCEL -> EnumSet.of(JobState.QUEUED, JobState.RUNNING, JobState.ASSEMBLING, JobState.PAUSED);
            case PAUSE -> EnumSet.of(JobState.QUEUED, JobState.RUNNING);
            case RESUME -> EnumSet.of(JobState.PAUSED);
            case REPAIR -> EnumSet.of(JobState.ASSEMBLING);
            case RETRY -> EnumSet.of(JobState.FAILED, JobState.CANCELLED);
            case REQUEUE -> EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
        };
    }

    /**
     * The state after the event.
     *
     * @throws IllegalStateException when the event does not apply to the current state
     */
    public static JobState next(JobState current, Event event) {
        if (!from(event).contains(current)) {
            throw new IllegalStateException("job in state " + current.dbName() + " cannot take " + event);
        }
        return switch (event) {
            case CHUNK_DISPATCHED -> JobState.RUNNING;
            case ALL_CHUNKS_DONE -> JobState.ASSEMBLING;
            case ASSEMBLED -> JobState.SUCCEEDED;
            case FAILED -> JobState.FAILED;
            case CANCEL -> JobState.CANCELLED;
            case PAUSE -> JobState.PAUSED;
            case RESUME -> JobState.QUEUED;
            case REPAIR -> JobState.RUNNING;
            case RETRY, REQUEUE -> JobState.QUEUED;
        };
    }
}
