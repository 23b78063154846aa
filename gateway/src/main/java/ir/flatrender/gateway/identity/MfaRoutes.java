package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import java.util.List;
import java.util.Optional;

/** TOTP enrolment, its confirmation, and a login's second step, over {@link Mfa}. */
final class MfaRoutes {
    private final Mfa mfa;
    private final Accounts accounts;
    private final ObjectMapper json;

    MfaRoutes(Mfa mfa, Accounts accounts, ObjectMapper json) {
        this.mfa = requireNonNull(mfa, "mfa is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.json = requireNonNull(json, "json is null");
    }

    void register(RouteTable routes) {
        routes.post("/v1/auth/mfa/totp", this::enrol);
        routes.post("/v1/auth/mfa/totp/confirm", this::confirm);
        routes.post("/v1/auth/mfa/verify", this::verify);
    }

    private void enrol(Context ctx) {
        Mfa.Enrolment enrolment = mfa.enrol(Callers.principal(ctx).user());
        ObjectNode out = json.createObjectNode();
        out.put("factor_id", enrolment.factorId().toString());
        out.put("secret", enrolment.secret());
        out.put("otpauth_uri", enrolment.otpauthUri());
        ctx.status(201).json(out);
    }

    private void confirm(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.user();
        RequestBodies body = RequestBodies.read(ctx, json);
        String code = body.string("code", 10);
        body.check();
        List<String> codes = mfa.confirm(principal, code, AuditLog.Origin.of(ctx));
        ObjectNode out = json.createObjectNode();
        out.put("enabled", true);
        out.set("recovery_codes", json.valueToTree(codes));
        ctx.json(out);
    }

    private void verify(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("mfa_token", 200);
        Optional<String> code = body.optionalString("code", 10);
        Optional<String> recovery = body.optionalString("recovery_code", 40);
        if (code.isEmpty() && recovery.isEmpty()) {
            body.error("code", "a code (or a recovery_code) is required");
        }
        body.check();
        Mfa.Passed passed = mfa.verify(token, code, recovery);
        Accounts.Session session =
                accounts.sessionFor(passed.userId(), Optional.empty(), passed.action(), AuditLog.Origin.of(ctx));
        ctx.json(AuthRoutes.session(json, session));
    }
}
