package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A chunk about to be inserted with its job.
 *
 * @param packageSha256 the package nodes fetch, for cache affinity
 * @param task {@code frames}, or {@code audio} for an engine's audio of the whole video
 */
public record NewChunk(
        UUID id,
        UUID jobId,
        int seq,
        int frameStart,
        int frameEnd,
        String engine,
        int priority,
        Instant jobCreatedAt,
        String packageSha256,
        String task,
        String[] requires) {
    /** The chunk {@code seq} of a job about to be inserted, on that job's engine, priority and package. */
    static NewChunk of(NewJob job, int seq, FrameRange frames, String task, String[] requires) {
        return new NewChunk(
                UUID.randomUUID(),
                job.id(),
                seq,
                frames.start(),
                frames.end(),
                job.engine(),
                job.priority(),
                job.createdAt(),
                job.packageSha256(),
                task,
                requires);
    }
}
