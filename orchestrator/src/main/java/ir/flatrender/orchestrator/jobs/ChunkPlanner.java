package ir.flatrender.orchestrator.jobs;

import java.util.ArrayList;
import java.util.List;

/** Splits a job's frame range into chunks. */
public final class ChunkPlanner {
    private ChunkPlanner() {}

    /**
     * Splits the range into the fewest chunks of at most {@code maxChunkFrames} frames, with
     * sizes as even as possible (they differ by at most one frame), so that no short tail chunk
     * is left to finish last on its own.
     */
    public static List<FrameRange> plan(FrameRange range, int maxChunkFrames) {
        if (maxChunkFrames < 1) {
            throw new IllegalArgumentException("maxChunkFrames must be at least 1 but was " + maxChunkFrames);
        }
        int total = range.count();
        int chunks = (total + maxChunkFrames - 1) / maxChunkFrames;
        int base = total / chunks;
        int larger = total % chunks;
        List<FrameRange> plan = new ArrayList<>(chunks);
        int start = range.start();
        for (int i = 0; i < chunks; i++) {
            int size = base + (i < larger ? 1 : 0);
            plan.add(new FrameRange(start, start + size - 1));
            start += size;
        }
        return plan;
    }
}
