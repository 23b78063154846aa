package ir.flatrender.orchestrator.server;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import java.util.Optional;
import java.util.UUID;

/**
 * Who is calling, as the credential it presented proves, and (for a gateway) the tenant the
 * call names. Put in the call's {@link Context} by {@link CallerInterceptor}.
 *
 * @param name the node's, the gateway's or the console's name; "operator" for the farm token
 * @param credentialId the credential row, empty for the farm token
 * @param tenant the tenant a gateway's call is for; empty for other roles
 */
public record Caller(Role role, String name, Optional<UUID> credentialId, Optional<UUID> tenant) {
    static final Context.Key<Caller> KEY = Context.key("flatrender-caller");

    public enum Role {
        /** The farm token: every service. */
        OPERATOR,
        /** An enrolled node: NodeService only, as itself. */
        NODE,
        /** A gateway: JobService, reading templates and the catalog, for the tenant each call names. */
        GATEWAY,
        /**
         * The operators' console in the gateway: FarmAdminService but credentials, JobService for
         * every tenant but submitting and snapshots, templates and the catalog; never NodeService.
         */
        CONSOLE
    }

    public Caller {
        requireNonNull(role, "role is null");
        requireNonNull(name, "name is null");
        requireNonNull(credentialId, "credentialId is null");
        requireNonNull(tenant, "tenant is null");
    }

    static Caller operator() {
        return new Caller(Role.OPERATOR, "operator", Optional.empty(), Optional.empty());
    }

    /** The caller of the current call, or empty outside an authenticated call. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(KEY.get());
    }

    /** The enrolled node's name when this is a node's credential. */
    public Optional<String> nodeName() {
        return role == Role.NODE ? Optional.of(name) : Optional.empty();
    }
}
