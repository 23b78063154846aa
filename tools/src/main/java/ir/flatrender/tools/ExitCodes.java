package ir.flatrender.tools;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;

/** The exit codes of every command, decided here and nowhere else. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job ended failed or cancelled. */
    public static final int JOB_FAILED = 1;
    /** Bad flags or arguments (picocli's own code). */
    public static final int USAGE = 2;
    /** The job, template or other thing named does not exist. */
    public static final int NOT_FOUND = 3;
    /** The orchestrator could not be reached. */
    public static final int UNREACHABLE = 4;
    /** The orchestrator refused the token. */
    public static final int UNAUTHENTICATED = 5;
    /** The orchestrator refused the request as invalid. */
    public static final int REJECTED = 6;
    /** A destructive command was not confirmed at the terminal. */
    public static final int DECLINED = 7;
    /** Anything else. */
    public static final int ERROR = 10;

    private ExitCodes() {}

    public static int of(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return of(status.getStatus());
        }
        if (error instanceof FarmException farm) {
            // Refused on this side before anything was sent (a package with a link, say).
            return of(StatusMapper.toStatus(farm).getStatus());
        }
        if (error instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (error instanceof ir.flatrender.tools.admin.Confirm.Declined) {
            return DECLINED;
        }
        return ERROR;
    }

    public static int of(Status status) {
        return switch (status.getCode()) {
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
            case UNAUTHENTICATED, PERMISSION_DENIED -> UNAUTHENTICATED;
            case INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE, RESOURCE_EXHAUSTED -> REJECTED;
            default -> ERROR;
        };
    }

    /** A one-line message for an error, for the command's error stream. */
    public static String message(Throwable error) {
        if (error instanceof FarmException farm) {
            error = StatusMapper.toStatus(farm);
        }
        if (error instanceof StatusRuntimeException status) {
            Status s = status.getStatus();
            return switch (s.getCode()) {
                case UNAVAILABLE -> "cannot reach the orchestrator: " + s.getDescription();
                case DEADLINE_EXCEEDED -> "the orchestrator did not answer in time";
                default -> s.getDescription() == null ? s.getCode().toString() : s.getDescription();
            };
        }
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }
}
