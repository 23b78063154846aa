package ir.flatrender.orchestrator.scheduling;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * @param leaseTimeout how long a chunk stays with a node that stops heartbeating, and how long
 *     a silent node keeps its stream
 * @param heartbeatInterval how often nodes are told to heartbeat
 * @param idleRecheck how often an idle scheduler looks for work it was not told about
 *     (submitted through another orchestrator)
 * @param affinityWindow how long a chunk may be passed over in favour of chunks whose
 *     template a node already holds
 * @param retryElsewhereWindow how long a failed chunk waits for another node before the node
 *     that failed it may take it again
 */
public record SchedulerConfig(
        Duration leaseTimeout,
        Duration heartbeatInterval,
        Duration idleRecheck,
        Duration affinityWindow,
        Duration retryElsewhereWindow) {
    public SchedulerConfig {
        requireNonNull(leaseTimeout, "leaseTimeout is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(idleRecheck, "idleRecheck is null");
        requireNonNull(affinityWindow, "affinityWindow is null");
        requireNonNull(retryElsewhereWindow, "retryElsewhereWindow is null");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
        if (leaseTimeout.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException(
                    "leaseTimeout (" + leaseTimeout + ") must be at least three heartbeat intervals ("
                            + heartbeatInterval + ") so that one late heartbeat does not cost a node its work");
        }
        if (idleRecheck.isNegative() || idleRecheck.isZero()) {
            throw new IllegalArgumentException("idleRecheck must be positive");
        }
    }

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(
                Duration.ofSeconds(15),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10));
    }
}
