package ir.flatrender.orchestrator.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** The states of a chunk (a frame job); see {@link ChunkTransitions}. */
public enum ChunkState {
    PENDING,
    ASSIGNED,
    RUNNING,
    DONE,
    FAILED,
    DEAD,
    CANCELLED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The database names of the states, for {@code state = ANY(:from)}. */
    public static String[] dbNames(Set<ChunkState> states) {
        return states.stream().map(ChunkState::dbName).toArray(String[]::new);
    }

    public static ChunkState fromDb(String name) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown chunk state " + name));
    }

    public boolean isActive() {
        return this == ASSIGNED || this == RUNNING;
    }
}
