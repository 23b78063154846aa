package ir.flatrender.orchestrator.jobs;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frames rendered so far by chunk attempts still on the nodes, as they report them. Kept in
 * memory only: it is advisory progress, and a chunk's frames count for good when its segment
 * is accepted.
 */
public final class RunningProgress {
    private record Entry(UUID jobId, long attempt, int frames) {}

    private final Map<UUID, Entry> chunks = new ConcurrentHashMap<>();

    public void report(UUID jobId, UUID chunkId, long attempt, int frames) {
        chunks.merge(
                chunkId,
                new Entry(jobId, attempt, frames),
                (old, now) -> now.attempt() > old.attempt()
                                || (now.attempt() == old.attempt() && now.frames() >= old.frames())
                        ? now
                        : old);
    }

    /** Forgets a chunk attempt once it is done, failed or taken back. */
    public void clear(UUID chunkId) {
        chunks.remove(chunkId);
    }

    public int framesInFlight(UUID jobId) {
        int frames = 0;
        for (Entry entry : chunks.values()) {
            if (entry.jobId().equals(jobId)) {
                frames += entry.frames();
            }
        }
        return frames;
    }
}
