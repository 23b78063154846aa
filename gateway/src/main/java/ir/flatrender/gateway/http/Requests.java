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

    public static String ip(Context ctx) {
        return ctx.ip();
    }

    /** The authenticated caller; routes that need one are behind the authentication filter. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw Problem.unauthorized("this needs an access token (Authorization: Bearer …) or an API key");
        }
        return principal;
    }

    public static void authenticate(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }
}
