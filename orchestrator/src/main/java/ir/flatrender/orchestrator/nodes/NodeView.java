package ir.flatrender.orchestrator.nodes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A node as operators see it: its row, the chunks out on it, and its quarantine. */
public record NodeView(
        UUID id,
        String name,
        String hostname,
        String version,
        List<String> engines,
        List<String> capabilities,
        int slots,
        String state,
        UUID orchestratorId,
        Instant lastSeenAt,
        int runningChunks,
        String quarantineReason,
        Instant quarantinedAt,
        int healthChecksFailed,
        Instant healthCheckDueAt,
        UUID healthCheckJobId) {
    public NodeState nodeState() {
        return NodeState.fromDb(state);
    }
}
