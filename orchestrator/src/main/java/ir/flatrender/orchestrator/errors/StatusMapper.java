package ir.flatrender.orchestrator.errors;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where errors become gRPC statuses. */
public final class StatusMapper {
    private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

    private StatusMapper() {}

    public static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return status;
        }
        if (error instanceof FarmException farm) {
            Code code = switch (farm.code()) {
                case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
                case NOT_FOUND -> Code.NOT_FOUND;
                case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
                case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
                case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
                case STALE_ATTEMPT -> Code.ABORTED;
                case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
                case DEADLINE_EXCEEDED -> Code.DEADLINE_EXCEEDED;
                case UNAVAILABLE -> Code.UNAVAILABLE;
                case INTERNAL -> Code.INTERNAL;
            };
            com.google.rpc.Status.Builder status =
                    com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(farm.getMessage());
            if (!farm.violations().isEmpty()) {
                BadRequest.Builder badRequest = BadRequest.newBuilder();
                farm.violations()
                        .forEach(v -> badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                                .setField(v.field())
                                .setDescription(v.description())));
                status.addDetails(Any.pack(badRequest.build()));
            }
            return StatusProto.toStatusRuntimeException(status.build());
        }
        if (error instanceof org.jdbi.v3.core.ConnectionException
                || error instanceof java.sql.SQLTransientException
                || ir.flatrender.migrations.Database.isUnavailable(error)) {
            log.warn("database unavailable: {}", error.toString());
            return Status.UNAVAILABLE
                    .withDescription("the farm's database is unavailable; try again")
                    .asRuntimeException();
        }
        log.error("unexpected error", error);
        return Status.INTERNAL
                .withDescription("internal error: " + error.getClass().getSimpleName())
                .asRuntimeException();
    }
}
