package ir.flatrender.orchestrator.server;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/** Refuses every call that does not carry the farm token as {@code authorization: Bearer …}. */
public final class FarmTokenInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final FarmToken token;
    private final Set<String> openServices;

    /** @param openServices services anyone may call, such as the standard health check */
    public FarmTokenInterceptor(FarmToken token, Set<String> openServices) {
        this.token = requireNonNull(token, "token is null");
        this.openServices = Set.copyOf(openServices);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (openServices.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.startsWith(BEARER)) {
            call.close(
                    Status.UNAUTHENTICATED.withDescription("missing farm token (authorization: Bearer …)"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (!token.matches(value.substring(BEARER.length()))) {
            call.close(Status.UNAUTHENTICATED.withDescription("wrong farm token"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
