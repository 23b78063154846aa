package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long a chunk's encoder may run: in all, and without taking a frame.
 *
 * @param deadline the most an attempt's encoder runs
 * @param noProgressTimeout how long it may go without a frame before it counts as hung
 */
public record ChunkLimits(Duration deadline, Duration noProgressTimeout) {
    public ChunkLimits {
        requireNonNull(deadline, "deadline is null");
        requireNonNull(noProgressTimeout, "noProgressTimeout is null");
    }
}
