package ir.flatrender.orchestrator.failures;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why an attempt failed (column {@code render.node_crashes.kind}): what a node reports, and what
 * the orchestrator finds when an attempt ends without a result.
 */
public enum FailureKind {
    CRASH(true, true),
    HANG(true, false),
    LAUNCH_FAILURE(true, true),
    BAD_OUTPUT(true, true),
    OUT_OF_MEMORY(true, false),
    /** The node could not fetch the template package: the network's or the store's, not the node's. */
    TEMPLATE_FETCH(false, false),
    /** The node could not upload its files. */
    UPLOAD(false, false),
    /** The node went away while it ran the attempt. */
    NODE_LOST(true, false),
    /** The attempt's lease ran out. */
    LEASE_EXPIRED(true, false),
    /** The upload made no progress for the idle limit. */
    UPLOAD_STALLED(false, false);

    private final boolean nodeFault;
    private final boolean deterministic;

    FailureKind(boolean nodeFault, boolean deterministic) {
        this.nodeFault = nodeFault;
        this.deterministic = deterministic;
    }

    /**
     * Whether it counts toward the node's quarantine: its engine's failures, and attempts lost
     * with the node (a JVM that keeps dying, a chunk that kills every node that runs it).
     */
    public boolean nodeFault() {
        return nodeFault;
    }

    /**
     * Whether a template can cause it the same way on every node (a missing composition, frames
     * it lacks, output the engine cannot make): met the same way on two nodes, it is the job's
     * fault.
     */
    public boolean deterministic() {
        return deterministic;
    }

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailureKind fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The database names of the kinds that count toward quarantine. */
    public static String[] nodeFaultNames() {
        return Arrays.stream(values())
                .filter(FailureKind::nodeFault)
                .map(FailureKind::dbName)
                .toArray(String[]::new);
    }
}
