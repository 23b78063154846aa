package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import ir.flatrender.gateway.billing.CheckoutConfig;
import ir.flatrender.gateway.console.ConsoleTemplates;
import ir.flatrender.gateway.console.TemplateAdminRoutes;
import ir.flatrender.gateway.http.ClientAddresses;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.http.RequestLog;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.ApiKeys;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.site.SiteRoutes;
import ir.flatrender.gateway.uploads.UploadRoutes;
import ir.flatrender.gateway.uploads.Uploads;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * What runs around every request: its id (the client's when it sent a sane one), the per-address
 * rate limit, the body's size limit, the caller's authentication (a Bearer access token or an API
 * key, rate limited per key), and the request log (of the API's requests, not the web app's pages).
 */
final class RequestFilters {
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    /** The address and key rate limits. */
    record Limits(RateLimiter perIp, RateLimiter perKey) {}

    private final long maxBodyBytes;
    private final Limits limits;
    private final ClientAddresses clients;
    private final AccessTokens tokens;
    private final ApiKeys apiKeys;
    private final RequestLog requestLog;

    RequestFilters(
            long maxBodyBytes,
            Limits limits,
            ClientAddresses clients,
            AccessTokens tokens,
            ApiKeys apiKeys,
            RequestLog requestLog) {
        this.maxBodyBytes = maxBodyBytes;
        this.limits = requireNonNull(limits, "limits is null");
        this.clients = requireNonNull(clients, "clients is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.apiKeys = requireNonNull(apiKeys, "apiKeys is null");
        this.requestLog = requireNonNull(requestLog, "requestLog is null");
    }

    void before(Context ctx) {
        RequestLog.started(ctx);
        String id = ctx.header("X-Request-Id");
        if (id == null || !REQUEST_ID.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        ctx.attribute("flatrender.requestId", id);
        ctx.header("X-Request-Id", id);
        MDC.put("request", id);
        limits.perIp().acquire("ip:" + clients.remember(ctx), "this address");
        long length = ctx.contentLength();
        // An upload's body is a picture, read by its route up to its own limit.
        // A template package from the console, streamed to the farm by its route.
        long limit = ctx.path().equals(UploadRoutes.PATH) && ctx.method() == HandlerType.POST
                ? Uploads.MAX_BYTES
                : TemplateAdminRoutes.isUpload(ctx) ? ConsoleTemplates.MAX_PACKAGE_BYTES : maxBodyBytes;
        if (length > limit) {
            throw Problem.of(
                    413,
                    "body-too-large",
                    "Request body too large",
                    "the body has " + length + " bytes; at most " + limit + " are taken");
        }
        if (ctx.path().startsWith("/v1/pay/")
                || ctx.path().startsWith("/callback/")
                || ctx.path().equals(CheckoutConfig.WEBHOOK_PATH)) {
            // Signed by the caller (a client app, ZarinPal's buyer, the broker): checked by the route.
            return;
        }
        authenticate(ctx);
    }

    private void authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        String apiKey = ctx.header("X-Api-Key");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw Problem.unauthorized("the Authorization header takes a Bearer token");
            }
            String bearer = authorization.substring(7).trim();
            if (ApiKeys.looksLikeKey(bearer)) {
                apiKey = bearer;
            } else {
                Callers.authenticate(ctx, tokens.verify(bearer));
            }
        }
        if (apiKey != null) {
            Principal key = apiKeys.authenticate(apiKey.trim());
            limits.perKey().acquire("key:" + key.apiKeyId().orElseThrow(), "this API key");
            Callers.authenticate(ctx, key);
        }
    }

    void after(Context ctx) {
        // The API's requests; the web app's pages and files are not the tenants' API use.
        if (SiteRoutes.isApi(ctx.path())) {
            requestLog.record(ctx);
        }
        MDC.remove("request");
    }
}
