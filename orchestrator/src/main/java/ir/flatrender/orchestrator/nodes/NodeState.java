package ir.flatrender.orchestrator.nodes;

import java.util.Arrays;
import java.util.Locale;

/** The states of a render node. */
public enum NodeState {
    ONLINE,
    DRAINING,
    OFFLINE,
    DISABLED,
    QUARANTINED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NodeState fromDb(String name) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown node state " + name));
    }

    /** Whether the scheduler may hand the node new chunks. */
    public boolean takesWork() {
        return this == ONLINE;
    }
}
