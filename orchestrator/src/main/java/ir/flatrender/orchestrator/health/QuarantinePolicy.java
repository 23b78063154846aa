package ir.flatrender.orchestrator.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When a node that keeps failing is taken off work, and how it earns its way back.
 *
 * @param failures engine failures (crash, hang, launch failure, out of memory, bad output)
 *     within the window that quarantine a node
 * @param acrossJobs how many different jobs they must span: one broken job failing everywhere
 *     is the job's fault, and the per-job block handles it
 * @param window how far back failures count
 * @param recheckBackoff how long after a failed health-check render the next is due; doubled
 *     after each failure up to {@code maxRecheckBackoff}
 */
public record QuarantinePolicy(
        int failures, int acrossJobs, Duration window, Duration recheckBackoff, Duration maxRecheckBackoff) {
    public QuarantinePolicy {
        requireNonNull(window, "window is null");
        requireNonNull(recheckBackoff, "recheckBackoff is null");
        requireNonNull(maxRecheckBackoff, "maxRecheckBackoff is null");
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1 but was " + failures);
        }
        if (acrossJobs < 1 || acrossJobs > failures) {
            throw new IllegalArgumentException("acrossJobs must be between 1 and failures but was " + acrossJobs);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (recheckBackoff.isNegative() || maxRecheckBackoff.compareTo(recheckBackoff) < 0) {
            throw new IllegalArgumentException("recheckBackoff must be between zero and maxRecheckBackoff");
        }
    }

    public static QuarantinePolicy defaults() {
        return new QuarantinePolicy(3, 2, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(30));
    }

    /** The wait before the next health-check render, after {@code failed} of them failed. */
    public Duration backoffAfter(int failed) {
        Duration backoff = recheckBackoff;
        for (int i = 1; i < failed && backoff.compareTo(maxRecheckBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxRecheckBackoff) > 0 ? maxRecheckBackoff : backoff;
    }
}
