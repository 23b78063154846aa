package ir.flatrender.gateway.identity;

import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import java.util.Optional;

/** Who a request acts for, as the gateway's authentication filter attached it to the request. */
public final class Callers {
    private static final String PRINCIPAL = "flatrender.principal";

    private Callers() {}

    /** The authenticated caller; routes that need one are behind the authentication filter. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw Problem.unauthorized("this needs an access token (Authorization: Bearer …) or an API key");
        }
        return principal;
    }

    /**
     * The caller of an admin route: a farm administrator signed in (an access token, not an API
     * key, which a script could hold); 403 for anyone else.
     */
    public static Principal farmAdministrator(Context ctx) {
        Principal principal = principal(ctx);
        if (principal.apiKeyId().isPresent()) {
            throw ir.flatrender.gateway.http.Problem.forbidden(
                    "the admin API takes a farm administrator's access token, not an API key");
        }
        principal.requireFarmAdmin();
        return principal;
    }

    /** The authenticated caller, when the request presented credentials (routes open to anyone). */
    public static Optional<Principal> optionalPrincipal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    public static void authenticate(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }
}
