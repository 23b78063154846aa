package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.failures.FailureKind;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The single owner of "an attempt ended" while its job goes on: whoever learns that a chunk's
 * attempt is over (the upload handler with verified segments, the node stream with a failure or
 * a give-back, the lease reaper, a disabled node's take-back) tells this, and nothing else. (When
 * the job itself ends, cancelled or failed, {@link JobControl} ends its attempts with it.) A result goes through {@link ChunkCompletion}, the
 * rest through {@link AttemptFailures}; both fence on the attempt, so a stale report changes
 * nothing, and both announce what follows as {@link FarmEvent}s.
 */
public final class Attempts {
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.COMPLETE));

    private final Jdbi jdbi;
    private final ChunkCompletion completion;
    private final AttemptFailures failures;

    public Attempts(Jdbi jdbi, ChunkCompletion completion, AttemptFailures failures) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.completion = requireNonNull(completion, "completion is null");
        this.failures = requireNonNull(failures, "failures is null");
    }

    /**
     * Records an attempt's verified segments and marks its chunk done, in one transaction fenced
     * on the attempt, with the node's render time when its upload gave it (so that no {@code
     * ChunkFinished} needs a transaction of its own for it).
     *
     * @return false when the attempt was taken back meanwhile (nothing is recorded)
     */
    public boolean recordResult(UUID chunkId, long attempt, List<SegmentRow> segments, OptionalLong renderMillis) {
        Long millis = renderMillis.isPresent() ? renderMillis.getAsLong() : null;
        return jdbi.inTransaction(handle -> {
            ChunkResultDao dao = handle.attach(ChunkResultDao.class);
            if (dao.completeChunk(chunkId, attempt, OUT_ON_NODE, millis) == 0) {
                return false;
            }
            dao.upsertSegments(segments);
            return true;
        });
    }

    /** After {@link #recordResult}: the chunk is done; its job moves on (see {@link ChunkCompletion}). */
    public void completed(ChunkRow chunk, OptionalLong renderMillis) {
        completion.chunkCompleted(chunk, renderMillis);
    }

    /** See {@link AttemptFailures#chunkFailed}. */
    public boolean failed(UUID chunkId, long attempt, ChunkFailure failure) {
        return failures.chunkFailed(chunkId, attempt, failure);
    }

    /** See {@link AttemptFailures#attemptsLost}. */
    public int lost(List<ChunkLease> leases, FailureKind kind, String message) {
        return failures.attemptsLost(leases, kind, message);
    }

    /** See {@link AttemptFailures#chunkReturned}. */
    public boolean returned(UUID chunkId, UUID jobId, UUID nodeId, long attempt, String reason) {
        return failures.chunkReturned(chunkId, jobId, nodeId, attempt, reason);
    }

    /** See {@link AttemptFailures#chunksTakenBack}. */
    public void takenBack(List<ChunkLease> leases, String reason) {
        failures.chunksTakenBack(leases, reason);
    }
}
