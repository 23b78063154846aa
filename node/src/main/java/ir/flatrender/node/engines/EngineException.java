package ir.flatrender.node.engines;

import static java.util.Objects.requireNonNull;

import ir.flatrender.proto.farm.v1.FailureKind;

/** An engine could not render: bad template data, a crash, a hang. */
public final class EngineException extends Exception {
    private final FailureKind kind;
    private final String logTail;

    public EngineException(FailureKind kind, String message, String logTail, Throwable cause) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.logTail = requireNonNull(logTail, "logTail is null");
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
}
