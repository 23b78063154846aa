package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.UUID;

/**
 * How this orchestrator assembles: in {@code threads} threads (0: it only schedules, and another
 * orchestrator on the database assembles), with scratch files under {@code workDirectory}, holding
 * assembly leases as {@code orchestratorId}.
 */
public record AssemblySettings(Path workDirectory, int threads, UUID orchestratorId) {
    public AssemblySettings {
        requireNonNull(workDirectory, "workDirectory is null");
        requireNonNull(orchestratorId, "orchestratorId is null");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative but was " + threads);
        }
    }
}
