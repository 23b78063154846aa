package ir.flatrender.orchestrator.server;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves who calls and decides what they may call, in one place, before any service sees the
 * call.
 *
 * <ul>
 *   <li>The farm token is the operator's: every service. It opens NodeService only while no node
 *       was ever enrolled (a farm still on the one shared secret); after that, nodes present
 *       their own credentials.
 *   <li>A node's credential opens NodeService only, as that node (the hello and the uploads are
 *       checked against the name in {@link Caller}).
 *   <li>A gateway's credential opens JobService, reading templates and reading the catalog
 *       (CatalogService but the operators' {@link #OPERATOR_CATALOG_METHODS}), and every call must name
 *       its tenant in {@code flatrender-tenant}: a request's {@code tenant_id} is set to that
 *       tenant, and one naming another tenant is refused, so a gateway never lists or touches
 *       another tenant's jobs. Without the metadata, the request's own {@code tenant_id} must
 *       name the tenant (a gateway built before the metadata existed still works, and still
 *       names exactly one); a call that names none is refused.
 *   <li>The console's credential (the operators' console in the gateway) opens exactly what the
 *       console does ({@link #CONSOLE_METHODS}, an allow-list: a method added later is not
 *       opened by accident): reading and steering the nodes, reading every tenant's jobs and
 *       pausing, resuming, cancelling, retrying and reprioritising them, the crashes and repairs;
 *       the templates (push, list, show, hide, revise) and the catalog's entries, media and
 *       media renders. It is not bound to a tenant (an empty {@code tenant_id} means every
 *       tenant, and {@code flatrender-tenant} is not read). Never NodeService, credentials,
 *       submitting, snapshots, exports or linking catalog media by hand: a stolen console
 *       credential can stop and drain the farm and change the template catalog, but cannot mint
 *       credentials, act as a node, read a tenant's video or spend a tenant's money.
 * </ul>
 */
public final class CallerInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(CallerInterceptor.class);
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** The tenant a gateway's call is for. */
    public static final Metadata.Key<String> TENANT =
            Metadata.Key.of("flatrender-tenant", Metadata.ASCII_STRING_MARSHALLER);

    static final String NODE_SERVICE = "flatrender.farm.v1.NodeService";
    static final String JOB_SERVICE = "flatrender.farm.v1.JobService";
    static final String TEMPLATE_SERVICE = "flatrender.farm.v1.TemplateService";
    /** Reading templates; hiding and revising them are the operators' (and the console's), never a tenant's. */
    static final Set<String> GATEWAY_TEMPLATE_METHODS =
            Set.of(TEMPLATE_SERVICE + "/ListTemplates", TEMPLATE_SERVICE + "/GetTemplate");

    static final String CATALOG_SERVICE = "flatrender.farm.v1.CatalogService";
    /** Linking media and having the farm render it change the catalog: the operators' alone. */
    static final Set<String> OPERATOR_CATALOG_METHODS =
            Set.of(CATALOG_SERVICE + "/SetCatalogMedia", CATALOG_SERVICE + "/RenderCatalogMedia");

    static final String FARM_ADMIN_SERVICE = "flatrender.farm.v1.FarmAdminService";
    /** Credentials are the operators' own: a console cannot mint, revoke or list them. */
    static final Set<String> CREDENTIAL_METHODS = Set.of(
            FARM_ADMIN_SERVICE + "/IssueCredential",
            FARM_ADMIN_SERVICE + "/RevokeCredential",
            FARM_ADMIN_SERVICE + "/ListCredentials");
    /** Everything the operators' console calls, and nothing else. */
    static final Set<String> CONSOLE_METHODS = Set.of(
            FARM_ADMIN_SERVICE + "/ListNodes",
            FARM_ADMIN_SERVICE + "/GetNode",
            FARM_ADMIN_SERVICE + "/DrainNode",
            FARM_ADMIN_SERVICE + "/DisableNode",
            FARM_ADMIN_SERVICE + "/EnableNode",
            FARM_ADMIN_SERVICE + "/ReleaseNode",
            FARM_ADMIN_SERVICE + "/GetNodeCache",
            FARM_ADMIN_SERVICE + "/GetNodeHealth",
            FARM_ADMIN_SERVICE + "/ListCrashes",
            FARM_ADMIN_SERVICE + "/ListRepairs",
            JOB_SERVICE + "/GetJob",
            JOB_SERVICE + "/ListJobs",
            JOB_SERVICE + "/CancelJob",
            JOB_SERVICE + "/PauseJob",
            JOB_SERVICE + "/ResumeJob",
            JOB_SERVICE + "/RetryJob",
            JOB_SERVICE + "/SetJobPriority",
            TEMPLATE_SERVICE + "/PushTemplate",
            TEMPLATE_SERVICE + "/ListTemplates",
            TEMPLATE_SERVICE + "/GetTemplate",
            TEMPLATE_SERVICE + "/SetTemplateHidden",
            TEMPLATE_SERVICE + "/ReviseTemplate",
            CATALOG_SERVICE + "/GetCatalogEntry",
            CATALOG_SERVICE + "/ReadCatalogMedia",
            CATALOG_SERVICE + "/RenderCatalogMedia");

    private static final String BEARER = "Bearer ";

    private final FarmToken operatorToken;
    private final FarmCredentials credentials;
    private final Set<String> openServices;

    /** @param openServices services anyone may call, such as the standard health check */
    public CallerInterceptor(FarmToken operatorToken, FarmCredentials credentials, Set<String> openServices) {
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.openServices = Set.copyOf(openServices);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        if (openServices.contains(method.getServiceName())) {
            return next.startCall(call, headers);
        }
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.startsWith(BEARER)) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("missing credential (authorization: Bearer …)"));
        }
        String token = value.substring(BEARER.length()).strip();
        Caller caller;
        try {
            Optional<Caller> known = identify(token, headers);
            if (known.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription("unknown or revoked credential"));
            }
            caller = known.get();
            Optional<String> denied = denied(caller, method);
            if (denied.isPresent()) {
                log.warn(
                        "refused {} {} calling {}: {}",
                        caller.role(),
                        caller.name(),
                        method.getFullMethodName(),
                        denied.get());
                return refuse(call, Status.PERMISSION_DENIED.withDescription(denied.get()));
            }
        } catch (BadTenant e) {
            return refuse(call, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("could not check the credential of a call to {}: {}", method.getFullMethodName(), e.toString());
            return refuse(call, Status.UNAVAILABLE.withDescription("could not check the credential; retry"));
        }
        ServerCall.Listener<Q> listener =
                Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers, next);
        return caller.role() == Caller.Role.GATEWAY ? new TenantBound<>(listener, call, caller.tenant()) : listener;
    }

    private Optional<Caller> identify(String token, Metadata headers) {
        if (operatorToken.matches(token)) {
            return Optional.of(Caller.operator());
        }
        Optional<FarmCredentials.Row> row = credentials.authenticate(token);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Optional<UUID> tenant = Optional.empty();
        if (row.get().callerRole() == Caller.Role.GATEWAY) {
            String named = headers.get(TENANT);
            if (named == null || named.isBlank()) {
                // The request must name it then (see TenantBound).
                return Optional.of(new Caller(
                        Caller.Role.GATEWAY,
                        row.get().name(),
                        Optional.of(row.get().id()),
                        Optional.empty()));
            }
            try {
                tenant = Optional.of(UUID.fromString(named.strip()));
            } catch (IllegalArgumentException e) {
                throw new BadTenant("flatrender-tenant must be a tenant id (a UUID), not '" + named + "'");
            }
        }
        return Optional.of(new Caller(
                row.get().callerRole(), row.get().name(), Optional.of(row.get().id()), tenant));
    }

    /** Why this caller may not call this method; empty when it may. */
    Optional<String> denied(Caller caller, MethodDescriptor<?, ?> method) {
        String service = method.getServiceName();
        return switch (caller.role()) {
            case OPERATOR ->
                NODE_SERVICE.equals(service) && credentials.nodesEnrolled()
                        ? Optional.of("nodes present their own credentials here (flatrender nodes enroll NAME); "
                                + "the farm token is the operators'")
                        : Optional.empty();
            case NODE ->
                NODE_SERVICE.equals(service)
                        ? Optional.empty()
                        : Optional.of("a node's credential opens the node service only");
            case GATEWAY ->
                JOB_SERVICE.equals(service)
                                || GATEWAY_TEMPLATE_METHODS.contains(method.getFullMethodName())
                                || (CATALOG_SERVICE.equals(service)
                                        && !OPERATOR_CATALOG_METHODS.contains(method.getFullMethodName()))
                        ? Optional.empty()
                        : Optional.of("a gateway's credential opens the job service and reading templates and the "
                                + "catalog only");
            case CONSOLE -> consoleDenied(service, method.getFullMethodName());
        };
    }

    private static Optional<String> consoleDenied(String service, String fullMethod) {
        if (CONSOLE_METHODS.contains(fullMethod)) {
            return Optional.empty();
        }
        if (CREDENTIAL_METHODS.contains(fullMethod)) {
            return Optional.of("the console's credential cannot issue, revoke or list credentials; "
                    + "that is the operators' (flatrender nodes …)");
        }
        return Optional.of("the console's credential opens the nodes, reading and steering jobs, and the templates"
                + " and catalog only (" + fullMethod + " is the operators')");
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static final class BadTenant extends RuntimeException {
        BadTenant(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Binds every request of a gateway's call to the tenant the call names: an empty
     * {@code tenant_id} is filled in, another tenant's is refused.
     */
    private static final class TenantBound<Q, R>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        /** Null until known: from the metadata, else from the call's first request. */
        private UUID tenant;

        private boolean refused;

        TenantBound(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Optional<UUID> tenant) {
            super(delegate);
            this.call = call;
            this.tenant = tenant.orElse(null);
        }

        private void refuse(Status status) {
            refused = true;
            call.close(status, new Metadata());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            if (!(message instanceof Message request)) {
                super.onMessage(message);
                return;
            }
            Descriptors.FieldDescriptor field = request.getDescriptorForType().findFieldByName("tenant_id");
            boolean named = field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING;
            String given = named ? ((String) request.getField(field)).strip() : "";
            if (tenant == null) {
                if (given.isEmpty()) {
                    refuse(Status.INVALID_ARGUMENT.withDescription(
                            "a gateway's call must name its tenant in the flatrender-tenant metadata"));
                    return;
                }
                try {
                    tenant = UUID.fromString(given);
                } catch (IllegalArgumentException e) {
                    refuse(Status.INVALID_ARGUMENT.withDescription(
                            "tenant_id must be a tenant id (a UUID), not '" + given + "'"));
                    return;
                }
            }
            if (!named) {
                super.onMessage(message);
                return;
            }
            if (!given.isEmpty() && !sameTenant(given)) {
                refuse(Status.PERMISSION_DENIED.withDescription("tenant_id " + given
                        + " is not the tenant this call names (flatrender-tenant " + tenant + ")"));
                return;
            }
            super.onMessage(
                    (Q) request.toBuilder().setField(field, tenant.toString()).build());
        }

        private boolean sameTenant(String given) {
            try {
                return UUID.fromString(given).equals(tenant);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                super.onReady();
            }
        }
    }
}
