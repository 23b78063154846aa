package ir.flatrender.orchestrator.failures;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;
import java.util.Set;

/**
 * Why a chunk attempt failed, as the node (or the upload check) reported it.
 *
 * @param kind one of {@link #KINDS}: crash, hang, launch_failure, bad_output, out_of_memory,
 *     template_fetch, upload; and for attempts that ended without a result: node_lost (the node
 *     went away while it ran), lease_expired (its lease ran out), upload_stalled
 * @param message a sentence for people
 * @param exitCode the exit code of the program that ended, if one did
 * @param logTail the last lines it printed
 */
public record ChunkFailure(String kind, String message, OptionalInt exitCode, String logTail) {
    public static final Set<String> KINDS = Set.of(
            "crash",
            "hang",
            "launch_failure",
            "bad_output",
            "out_of_memory",
            "template_fetch",
            "upload",
            "node_lost",
            "lease_expired",
            "upload_stalled");

    /**
     * The kinds that count toward a node's quarantine: its engine's failures, and attempts lost
     * with the node (a JVM that keeps dying, a chunk that kills every node that runs it). A
     * template fetch or an upload refused is the network's or the store's, not the node's.
     */
    public static final Set<String> NODE_FAULTS =
            Set.of("crash", "hang", "launch_failure", "out_of_memory", "bad_output", "node_lost", "lease_expired");

    public ChunkFailure {
        requireNonNull(kind, "kind is null");
        requireNonNull(message, "message is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(logTail, "logTail is null");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown failure kind '" + kind + "'");
        }
    }

    /** A segment that arrived but did not hold what the chunk should. */
    public static ChunkFailure badOutput(String message) {
        return new ChunkFailure("bad_output", message, OptionalInt.empty(), "");
    }

    /**
     * The kinds a template can cause the same way on every node (a missing composition, frames
     * it lacks, output the engine cannot make): met the same way on two nodes, they are the
     * job's fault.
     */
    public static final Set<String> DETERMINISTIC = Set.of("crash", "launch_failure", "bad_output");

    /** An attempt that ended without a result: its node went away or its lease ran out. */
    public static ChunkFailure lost(String kind, String message) {
        return new ChunkFailure(kind, message, OptionalInt.empty(), "");
    }

    /** The signal that ended the program: exit codes above 128 are 128 + signal on Unix. */
    public OptionalInt signal() {
        return exitCode.isPresent() && exitCode.getAsInt() > 128 && exitCode.getAsInt() < 128 + 65
                ? OptionalInt.of(exitCode.getAsInt() - 128)
                : OptionalInt.empty();
    }

    /** What the chunk's error column and the job's status say: {@code crash: aerender exited …}. */
    public String reason() {
        return kind + ": " + message;
    }
}
