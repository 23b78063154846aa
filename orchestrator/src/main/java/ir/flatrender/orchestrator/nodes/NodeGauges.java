package ir.flatrender.orchestrator.nodes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToIntFunction;

/** The gauges of the nodes connected to this orchestrator: how many by state, their slots busy and free. */
public final class NodeGauges {
    private NodeGauges() {}

    public static void register(MeterRegistry meters, NodeRegistry nodes) {
        for (NodeState state : NodeState.values()) {
            Gauge.builder(
                            "flatrender.nodes",
                            nodes,
                            r -> r.sessions().stream()
                                    .filter(s -> s.identity() != null && s.state() == state)
                                    .count())
                    .description("Nodes connected to this orchestrator by state")
                    .tag("state", state.dbName())
                    .register(meters);
        }
        slots(meters, nodes, "busy", NodeSession::busySlots);
        slots(meters, nodes, "free", NodeSession::freeSlots);
    }

    private static void slots(MeterRegistry meters, NodeRegistry nodes, String use, ToIntFunction<NodeSession> count) {
        Gauge.builder(
                        "flatrender.node.slots",
                        nodes,
                        r -> r.sessions().stream().mapToInt(count).sum())
                .description("Slots of connected nodes")
                .tag("use", use)
                .register(meters);
    }
}
