package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Chooses a job's chunk size when its request does not fix one: a few chunks for every slot that
 * can take the job now, so that a small farm does not pay an encoder start-up (and its lookahead
 * filled and drained) every 30 frames, while a large one still spreads the job over its nodes.
 * Never under {@link #MIN_FRAMES} (the smallest chunk the farm hands out on its own; segments of
 * any size join frame-exactly, so the floor bounds the per-chunk overheads, not the seams), never
 * over {@link #MAX_FRAMES} (what one failed attempt may cost), and sizes within a job differ by a
 * frame at most ({@link ChunkPlanner}).
 */
public final class ChunkSizing {
    /** The smallest chunk chosen from the farm: 1 s at 30 fps. */
    public static final int MIN_FRAMES = 30;
    /** The largest chunk chosen from the farm: 10 s at 30 fps. */
    public static final int MAX_FRAMES = 300;
    /** Chunks planned for each slot that can take the job: one to render, one to balance the tail. */
    public static final int CHUNKS_PER_SLOT = 2;

    private ChunkSizing() {}

    /**
     * What the farm's slots looked like when the job came.
     *
     * @param total slots of the online nodes with the job's engine
     * @param free those of them not rendering a chunk now
     */
    public record Slots(int total, int free) {
        public Slots {
            if (total < 0 || free < 0 || free > total) {
                throw new IllegalArgumentException("slots must be 0 <= free <= total but were " + free + "/" + total);
            }
        }
    }

    /** The size chosen and why, in words for the job's view. */
    public record Choice(int chunkFrames, String reason) {
        public Choice {
            requireNonNull(reason, "reason is null");
            if (chunkFrames < 1) {
                throw new IllegalArgumentException("chunkFrames must be at least 1 but was " + chunkFrames);
            }
        }
    }

    /**
     * The size of a job's chunks: the request's when it fixes one, else the orchestrator's fixed
     * size when it has one, else one chosen from the farm's slots (read only then).
     */
    public static Choice choose(int requested, JobsConfig config, int frames, String engine, Supplier<Slots> slots) {
        if (requested > 0) {
            return requested(requested);
        }
        if (!config.chunksFromFarm()) {
            return configured(config.defaultChunkFrames());
        }
        return fromFarm(frames, engine, slots.get());
    }

    /** The request's own size. */
    public static Choice requested(int chunkFrames) {
        return new Choice(chunkFrames, chunkFrames + "-frame chunks, as the request asked");
    }

    /** The orchestrator's fixed size ({@code --chunk-frames}). */
    public static Choice configured(int chunkFrames) {
        return new Choice(chunkFrames, chunkFrames + "-frame chunks, the orchestrator's fixed size (--chunk-frames)");
    }

    /**
     * The size for {@code frames} frames of an engine on a farm with these slots: the frames over
     * {@link #CHUNKS_PER_SLOT} chunks a slot (the free slots, but never fewer than half the
     * farm's: a busy farm frees its slots moments later, and one free slot of a hundred must not
     * make a long job's chunks ten times larger), within {@link #MIN_FRAMES}..{@link #MAX_FRAMES}.
     */
    public static Choice fromFarm(int frames, String engine, Slots slots) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1 but was " + frames);
        }
        if (slots.total() == 0) {
            return new Choice(
                    MIN_FRAMES,
                    String.format(
                            Locale.ROOT,
                            "%d-frame chunks: no online node has %s now, so the smallest size (any number of nodes"
                                    + " that come may share them)",
                            MIN_FRAMES,
                            engine));
        }
        int slotsCounted = Math.max(slots.free(), ceilDiv(slots.total(), 2));
        int wanted = ceilDiv(frames, slotsCounted * CHUNKS_PER_SLOT);
        int size = Math.max(MIN_FRAMES, Math.min(MAX_FRAMES, wanted));
        String bound = wanted < MIN_FRAMES
                ? String.format(Locale.ROOT, ", raised to the smallest size, %d", MIN_FRAMES)
                : wanted > MAX_FRAMES
                        ? String.format(Locale.ROOT, ", lowered to the largest size, %d", MAX_FRAMES)
                        : "";
        String which = slotsCounted == slots.free()
                ? String.format(Locale.ROOT, "%d free slot%s of %d", slots.free(), plural(slots.free()), slots.total())
                : slotsCounted == slots.total()
                        ? String.format(
                                Locale.ROOT,
                                "the farm's %d slot%s (%d free now)",
                                slots.total(),
                                plural(slots.total()),
                                slots.free())
                        : String.format(
                                Locale.ROOT,
                                "%d of the farm's %d slots (half of them; %d free now)",
                                slotsCounted,
                                slots.total(),
                                slots.free());
        return new Choice(
                size,
                String.format(
                        Locale.ROOT,
                        "%d-frame chunks: %d frames over %s for %s, %d chunks a slot%s",
                        size,
                        frames,
                        which,
                        engine,
                        CHUNKS_PER_SLOT,
                        bound));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
