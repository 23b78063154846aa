package ir.flatrender.node.engines;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.process.ProcessOutcome;

/** An engine could not render: bad template data, a crash, a hang. */
public final class EngineException extends Exception {
    private final FailureKind kind;
    private final String logTail;
    private final int exitCode;

    public EngineException(FailureKind kind, String message, String logTail, Throwable cause) {
        this(kind, message, logTail, -1, cause);
    }

    private EngineException(FailureKind kind, String message, String logTail, int exitCode, Throwable cause) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.logTail = requireNonNull(logTail, "logTail is null");
        this.exitCode = exitCode;
    }

    /** A program that ran and ended badly: its exit code and its last lines go with the failure. */
    public static EngineException ofProcess(FailureKind kind, String message, ProcessOutcome outcome) {
        return new EngineException(kind, message, outcome.logTailText(), outcome.exitCode(), null);
    }

    public EngineException(FailureKind kind, String message) {
        this(kind, message, "", null);
    }

    public FailureKind kind() {
        return kind;
    }

    public String logTail() {
        return logTail;
    }

    /** The program's exit code (128 + signal when a signal ended it), or -1 when none ended. */
    public int exitCode() {
        return exitCode;
    }
}
