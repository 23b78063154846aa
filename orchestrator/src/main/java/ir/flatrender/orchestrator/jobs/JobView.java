package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A job as clients see it.
 *
 * @param framesInFlight frames rendered by chunks still on nodes, not yet counted in the row
 * @param chunks empty unless asked for
 */
public record JobView(JobRow job, Optional<ExportRow> export, List<ChunkRow> chunks, int framesInFlight) {
    public JobView {
        requireNonNull(job, "job is null");
        requireNonNull(export, "export is null");
        chunks = List.copyOf(chunks);
    }

    /** Frames rendered, counting those of chunks still rendering, never beyond the total. */
    public int framesDone() {
        return Math.min(job.totalFrames(), job.framesDone() + framesInFlight);
    }
}
