package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a segment upload may be: at most {@code maxSegmentBytes} a file, silent (no part, no end)
 * for less than {@code idleTimeout} (the lease timeout), its files copied under {@code scratch}
 * where the blob store has no local path to check them at.
 */
public record SegmentLimits(long maxSegmentBytes, Duration idleTimeout, Path scratch) {
    public SegmentLimits {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(scratch, "scratch is null");
        if (maxSegmentBytes <= 0) {
            throw new IllegalArgumentException("maxSegmentBytes must be positive but was " + maxSegmentBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }
}
