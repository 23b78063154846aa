package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** The lease protocol's two clocks, as a node's stream needs them (from the scheduler's config). */
public record LeaseTimings(Duration heartbeatInterval, Duration leaseTimeout) {
    public LeaseTimings {
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(leaseTimeout, "leaseTimeout is null");
    }
}
