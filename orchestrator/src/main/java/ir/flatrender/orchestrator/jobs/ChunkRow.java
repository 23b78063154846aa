package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code render.frame_jobs}, with the name of the node holding it. */
public record ChunkRow(
        UUID id,
        UUID jobId,
        int seq,
        int frameStart,
        int frameEnd,
        String engine,
        String task,
        String packageSha256,
        String state,
        long attempt,
        int failures,
        UUID nodeId,
        String nodeName,
        Instant leaseExpiresAt,
        Instant assignedAt,
        Instant startedAt,
        Instant finishedAt,
        int framesDone,
        Long renderMillis,
        String error)
        implements ir.flatrender.orchestrator.repairs.FrameSpan {
    public ChunkState chunkState() {
        return ChunkState.fromDb(state);
    }

    public boolean isAudioTask() {
        return task.equals("audio");
    }

    public FrameRange frames() {
        return new FrameRange(frameStart, frameEnd);
    }
}
