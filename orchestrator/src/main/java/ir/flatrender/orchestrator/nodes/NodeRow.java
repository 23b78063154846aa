package ir.flatrender.orchestrator.nodes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One row of {@code render.nodes}. */
public record NodeRow(
        UUID id,
        String name,
        String hostname,
        String version,
        List<String> engines,
        int slots,
        String state,
        UUID orchestratorId,
        Instant connectedAt,
        Instant lastSeenAt) {
    public NodeState nodeState() {
        return NodeState.fromDb(state);
    }
}
