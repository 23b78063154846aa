package ir.flatrender.orchestrator.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * @param sampleInterval how often a node's resource sample is kept (heartbeats come more often)
 * @param retention how long samples are kept; older months' partitions are dropped
 * @param monthsAhead how many months' partitions are made ahead of the current one
 * @param quarantine when failing nodes are quarantined and re-admitted
 */
public record HealthConfig(Duration sampleInterval, Duration retention, int monthsAhead, QuarantinePolicy quarantine) {
    public HealthConfig {
        requireNonNull(sampleInterval, "sampleInterval is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(quarantine, "quarantine is null");
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("sampleInterval must be positive");
        }
        if (retention.compareTo(Duration.ofDays(31)) < 0) {
            throw new IllegalArgumentException("retention must be at least 31 days (one month's partition)");
        }
        if (monthsAhead < 1 || monthsAhead > 24) {
            throw new IllegalArgumentException("monthsAhead must be between 1 and 24 but was " + monthsAhead);
        }
    }

    /** With the default quarantine policy. */
    public HealthConfig(Duration sampleInterval, Duration retention, int monthsAhead) {
        this(sampleInterval, retention, monthsAhead, QuarantinePolicy.defaults());
    }

    public static HealthConfig defaults() {
        return new HealthConfig(Duration.ofSeconds(30), Duration.ofDays(90), 2);
    }

    public HealthConfig withQuarantine(QuarantinePolicy policy) {
        return new HealthConfig(sampleInterval, retention, monthsAhead, policy);
    }
}
