package ir.flatrender.node.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;

/**
 * Which failed calls to the orchestrator mean it could not be reached (restarting, failing over,
 * its host's link down): what a node tries again for a while, not a refusal. The orchestrator's
 * own answers say it by their code ({@code UNAVAILABLE}); a call it cancels as it stops arrives
 * {@code CANCELLED}; and a connection that broke under the call is unreachable whatever code the
 * transport gave it (grpc-netty reports a reset under a write as {@code UNKNOWN channel closed}):
 * such a status is made on this side, with the I/O failure as its cause, where one the
 * orchestrator sent never has a cause. This side's own cancels must not be asked about.
 */
final class CallFailures {
    private CallFailures() {}

    /** Whether {@code failure}, a call's, says the orchestrator could not be reached. */
    static boolean unreachable(Throwable failure) {
        if (!(failure instanceof StatusRuntimeException) && !(failure instanceof StatusException)) {
            return false;
        }
        Status status = Status.fromThrowable(failure);
        return switch (status.getCode()) {
            case UNAVAILABLE, CANCELLED -> true;
            case UNKNOWN, INTERNAL -> brokenConnection(status);
            default -> false;
        };
    }

    private static boolean brokenConnection(Status status) {
        for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
            // An answer that would not parse is no broken connection: trying again gets the same.
            if (cause instanceof com.google.protobuf.InvalidProtocolBufferException) {
                return false;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
