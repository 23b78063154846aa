package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Sign-up, login, token refresh and logout over {@link Accounts}; the second factor's routes too. */
public final class AuthRoutes {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{2,63}$");

    private final Accounts accounts;
    private final MfaRoutes mfa;
    private final ObjectMapper json;

    public AuthRoutes(Accounts accounts, Mfa mfa, ObjectMapper json) {
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.json = requireNonNull(json, "json is null");
        this.mfa = new MfaRoutes(mfa, accounts, json);
    }

    public void register(RouteTable routes) {
        routes.post("/v1/auth/signup", this::signup);
        routes.post("/v1/auth/login", this::login);
        routes.post("/v1/auth/refresh", this::refresh);
        routes.post("/v1/auth/logout", this::logout);
        routes.get("/v1/me", this::me);
        mfa.register(routes);
    }

    private void signup(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String email = body.string("email", 320, EMAIL, "an email address");
        String password = body.string("password", 200);
        if (password != null && password.length() < 10) {
            body.error("password", "must be at least 10 characters");
        }
        String name = body.string("name", 200);
        String organization = body.optionalString("organization", 200).orElse(name);
        body.check();
        ctx.status(201)
                .json(session(json, accounts.signup(email, password, name, organization, AuditLog.Origin.of(ctx))));
    }

    private void login(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String email = body.string("email", 320);
        String password = body.string("password", 200);
        Optional<UUID> tenant = Optional.empty();
        Optional<String> tenantText = body.optionalString("tenant_id", 36);
        if (tenantText.isPresent()) {
            try {
                tenant = Optional.of(UUID.fromString(tenantText.get()));
            } catch (IllegalArgumentException e) {
                body.error("tenant_id", "must be a tenant's id");
            }
        }
        body.check();
        Accounts.Login login = accounts.login(email, password, tenant, AuditLog.Origin.of(ctx));
        if (login.challenge().isPresent()) {
            Mfa.Challenge challenge = login.challenge().get();
            ObjectNode out = json.createObjectNode();
            out.put("mfa_required", true);
            out.put("mfa_token", challenge.token());
            out.put("expires_in", challenge.expiresIn().toSeconds());
            ctx.json(out);
            return;
        }
        ctx.json(session(json, login.session().orElseThrow()));
    }

    private void refresh(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("refresh_token", 200);
        body.check();
        ctx.json(session(json, accounts.refresh(token, AuditLog.Origin.of(ctx))));
    }

    private void logout(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("refresh_token", 200);
        body.check();
        accounts.logout(token);
        ctx.status(204);
    }

    private void me(Context ctx) {
        Principal principal = Callers.principal(ctx);
        ObjectNode out = json.createObjectNode();
        out.put("tenant_id", principal.tenantId().toString());
        principal.userId().ifPresent(id -> out.put("user_id", id.toString()));
        principal.apiKeyId().ifPresent(id -> out.put("api_key_id", id));
        out.put("role", principal.role().dbName());
        out.put("farm_admin", principal.farmAdmin());
        ctx.json(out);
    }

    /** A session as the API answers it. */
    static ObjectNode session(ObjectMapper json, Accounts.Session session) {
        ObjectNode out = json.createObjectNode();
        out.put("access_token", session.accessToken());
        out.put("token_type", "Bearer");
        out.put("expires_in", session.expiresIn().toSeconds());
        out.put("refresh_token", session.refreshToken());
        out.put("user_id", session.member().userId().toString());
        out.put("tenant_id", session.member().tenantId().toString());
        out.put("role", session.member().role());
        return out;
    }
}
