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

    /** The row with the frames its node reported while it runs. */
    public ChunkRow withFramesDone(int frames) {
        return new ChunkRow(
                id,
                jobId,
                seq,
                frameStart,
                frameEnd,
                engine,
                task,
                packageSha256,
                state,
                attempt,
                failures,
                nodeId,
                nodeName,
                leaseExpiresAt,
                assignedAt,
                startedAt,
                finishedAt,
                Math.min(frames, frameEnd - frameStart + 1),
                renderMillis,
                error);
    }

    public boolean isAudioTask() {
        return task.equals("audio");
    }

    public FrameRange frames() {
        return new FrameRange(frameStart, frameEnd);
    }
}
