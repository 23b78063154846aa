package ir.flatrender.orchestrator.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * @param maxRunning how many templates' media may render at once (each holds a thread while its
 *     renders run); one call more is refused until one is done
 * @param coverTimeout how long one cover's still may take (waiting for a slot and rendering)
 * @param previewTimeout how long the preview job is waited for; the job goes on after that, and
 *     a later call links it once it succeeded
 */
public record CatalogMediaConfig(int maxRunning, Duration coverTimeout, Duration previewTimeout) {
    public CatalogMediaConfig {
        requireNonNull(coverTimeout, "coverTimeout is null");
        requireNonNull(previewTimeout, "previewTimeout is null");
        if (maxRunning < 1 || maxRunning > 16) {
            throw new IllegalArgumentException("maxRunning must be between 1 and 16 but was " + maxRunning);
        }
        if (coverTimeout.isNegative() || coverTimeout.isZero()) {
            throw new IllegalArgumentException("coverTimeout must be positive");
        }
        if (previewTimeout.isNegative() || previewTimeout.isZero()) {
            throw new IllegalArgumentException("previewTimeout must be positive");
        }
    }

    public static CatalogMediaConfig defaults() {
        return new CatalogMediaConfig(2, Duration.ofMinutes(10), Duration.ofHours(2));
    }
}
