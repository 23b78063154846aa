package ir.flatrender.orchestrator.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** The states of a render job; see {@link JobTransitions} for the moves between them. */
public enum JobState {
    QUEUED,
    RUNNING,
    ASSEMBLING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    PAUSED;

    /** The name stored in the database. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The database names of the states, for {@code state = ANY(:from)}. */
    public static String[] dbNames(Set<JobState> states) {
        return states.stream().map(JobState::dbName).toArray(String[]::new);
    }

    public static JobState fromDb(String name) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job state " + name));
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
