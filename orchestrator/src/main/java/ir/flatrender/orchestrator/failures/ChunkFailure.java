package ir.flatrender.orchestrator.failures;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * Why a chunk attempt failed, as the node (or the upload check, or the lease reaper) found it.
 *
 * @param message a sentence for people
 * @param exitCode the exit code of the program that ended, if one did
 * @param logTail the last lines it printed
 */
public record ChunkFailure(FailureKind kind, String message, OptionalInt exitCode, String logTail) {
    public ChunkFailure {
        requireNonNull(kind, "kind is null");
        requireNonNull(message, "message is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(logTail, "logTail is null");
    }

    /** A segment that arrived but did not hold what the chunk should. */
    public static ChunkFailure badOutput(String message) {
        return new ChunkFailure(FailureKind.BAD_OUTPUT, message, OptionalInt.empty(), "");
    }

    /** An attempt that ended without a result: its node went away or its lease ran out. */
    public static ChunkFailure lost(FailureKind kind, String message) {
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
        return kind.dbName() + ": " + message;
    }
}
