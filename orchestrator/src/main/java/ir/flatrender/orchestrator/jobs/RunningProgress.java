package ir.flatrender.orchestrator.jobs;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

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

    /**
     * What the nodes have reported of these jobs' chunks: job → chunk → frames. A chunk is
     * forgotten only after its completion is committed, so a caller that takes this first and
     * reads the chunks' rows after (leaving out those the rows show done) never sees a chunk's
     * frames neither here nor in its row.
     */
    public Map<UUID, Map<UUID, Integer>> framesByChunk(Predicate<UUID> jobs) {
        Map<UUID, Map<UUID, Integer>> byJob = new HashMap<>();
        chunks.forEach((chunkId, entry) -> {
            if (jobs.test(entry.jobId())) {
                byJob.computeIfAbsent(entry.jobId(), id -> new HashMap<>()).put(chunkId, entry.frames());
            }
        });
        return byJob;
    }
}
