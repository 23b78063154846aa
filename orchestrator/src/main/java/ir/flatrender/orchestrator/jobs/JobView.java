package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A job as clients see it.
 *
 * @param framesInFlight frames rendered by chunks still on nodes, not yet counted in the row
 * @param exports every tier made, the job's own first
 * @param chunks empty unless asked for
 * @param repairs frames rendered again after checks found them wrong; empty unless chunks were asked for
 * @param waitingReason why no node takes its waiting chunks, when none can; empty otherwise
 */
public record JobView(
        JobRow job,
        List<ExportRow> exports,
        List<ChunkRow> chunks,
        List<ir.flatrender.orchestrator.repairs.RepairRow> repairs,
        int framesInFlight,
        String waitingReason) {
    public JobView {
        requireNonNull(job, "job is null");
        requireNonNull(waitingReason, "waitingReason is null");
        exports = List.copyOf(exports);
        chunks = List.copyOf(chunks);
        repairs = List.copyOf(repairs);
    }

    /** The export of the job's own tier, once made. */
    public Optional<ExportRow> export() {
        return exports.stream().filter(e -> e.tier().equals(job.tier())).findFirst();
    }

    /** Frames rendered, counting those of chunks still rendering, never beyond the total. */
    public int framesDone() {
        return Math.min(job.totalFrames(), job.framesDone() + framesInFlight);
    }
}
