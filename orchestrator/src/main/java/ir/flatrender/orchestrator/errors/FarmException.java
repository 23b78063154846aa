package ir.flatrender.orchestrator.errors;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/** A domain error with a code and a message a person can act on. */
public final class FarmException extends RuntimeException {
    private final ErrorCode code;
    private final List<FieldViolation> violations;

    public FarmException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    public FarmException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), cause);
    }

    private FarmException(ErrorCode code, String message, List<FieldViolation> violations, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.violations = List.copyOf(violations);
    }

    /** An INVALID_ARGUMENT error listing every bad field, each named in the message. */
    public static FarmException invalid(String summary, List<FieldViolation> violations) {
        String message = summary + ": "
                + violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; "));
        return new FarmException(ErrorCode.INVALID_ARGUMENT, message, violations, null);
    }

    public static FarmException invalid(String field, String description) {
        return invalid("invalid request", List.of(new FieldViolation(field, description)));
    }

    public static FarmException notFound(String message) {
        return new FarmException(ErrorCode.NOT_FOUND, message);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
