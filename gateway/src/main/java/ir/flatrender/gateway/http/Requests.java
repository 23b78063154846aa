package ir.flatrender.gateway.http;

import io.javalin.http.Context;
import ir.flatrender.gateway.identity.Principal;

/** What the gateway's filters attach to a request. */
public final class Requests {
    static final String REQUEST_ID = "flatrender.requestId";
    static final String PRINCIPAL = "flatrender.principal";

    private Requests() {}

    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "" : id;
    }

    /** The request's id and the client's address, for the audit log. */
    public static ir.flatrender.gateway.identity.AuditLog.Origin origin(Context ctx) {
        return new ir.flatrender.gateway.identity.AuditLog.Origin(requestId(ctx), ip(ctx));
    }

    /** The client's address: a trusted proxy's forwarded-for, else the socket's peer ({@link ClientAddresses}). */
    public static String ip(Context ctx) {
        String client = ctx.attribute(ClientAddresses.ATTRIBUTE);
        return client == null ? ctx.req().getRemoteAddr() : client;
    }

    /** The authenticated caller; routes that need one are behind the authentication filter. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw Problem.unauthorized("this needs an access token (Authorization: Bearer …) or an API key");
        }
        return principal;
    }

    /** The authenticated caller, when the request presented credentials (routes open to anyone). */
    public static java.util.Optional<Principal> optionalPrincipal(Context ctx) {
        return java.util.Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    public static void authenticate(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }
}
