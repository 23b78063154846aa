package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** A tenant's API keys, made, listed, rotated and revoked by its admins, over {@link ApiKeys}. */
public final class ApiKeyRoutes {
    private final ApiKeys keys;
    private final ObjectMapper json;

    public ApiKeyRoutes(ApiKeys keys, ObjectMapper json) {
        this.keys = requireNonNull(keys, "keys is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/api-keys", this::create);
        routes.get("/v1/api-keys", this::list);
        routes.post("/v1/api-keys/{id}/rotate", this::rotate);
        routes.post("/v1/api-keys/{id}/revoke", this::revoke);
    }

    private static Principal keyAdmin(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        return principal;
    }

    /** A new key's one-time JSON, secret included. */
    private ObjectNode created(ApiKeys.Created key) {
        ObjectNode out = json.createObjectNode();
        out.put("id", key.id());
        out.put("name", key.name());
        out.put("prefix", "frk_" + key.id());
        out.set("scopes", json.valueToTree(key.scopes()));
        key.expiresAt().ifPresent(t -> out.put("expires_at", t.toString()));
        out.put("key", key.key());
        return out;
    }

    private void create(Context ctx) {
        Principal principal = keyAdmin(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        String name = body.string("name", 200);
        List<String> scopes = body.strings("scopes", ApiKeys.SCOPES);
        int days = body.optionalInt("expires_in_days", 1, 3650, 0);
        body.check();
        ctx.status(201).json(created(keys.create(principal, name, scopes, days, AuditLog.Origin.of(ctx))));
    }

    private void list(Context ctx) {
        Principal principal = keyAdmin(ctx);
        ArrayNode out = json.createArrayNode();
        for (ApiKeys.Key key : keys.list(principal)) {
            ObjectNode node = out.addObject();
            node.put("id", key.id());
            node.put("name", key.name());
            node.put("prefix", "frk_" + key.id());
            node.set("scopes", json.valueToTree(key.scopes()));
            time(node, "expires_at", key.expiresAt());
            time(node, "revoked_at", key.revokedAt());
            time(node, "grace_until", key.graceUntil());
            time(node, "last_used_at", key.lastUsedAt());
            time(node, "created_at", Optional.of(key.createdAt()));
            key.replacedBy().ifPresent(r -> node.put("replaced_by", r));
        }
        ctx.json(json.createObjectNode().set("api_keys", out));
    }

    private static void time(ObjectNode node, String field, Optional<OffsetDateTime> time) {
        time.ifPresent(t -> node.put(field, t.toString()));
    }

    private void rotate(Context ctx) {
        Principal principal = keyAdmin(ctx);
        String id = ctx.pathParam("id");
        int graceHours = 24;
        if (!ctx.body().isBlank()) {
            RequestBodies body = RequestBodies.read(ctx, json);
            graceHours = body.optionalInt("grace_hours", 0, 168, 24);
            body.check();
        }
        ApiKeys.Rotated rotated = keys.rotate(principal, id, graceHours, AuditLog.Origin.of(ctx));
        ObjectNode successor = created(rotated.successor());
        successor.put("replaces", rotated.replaces());
        successor.put("old_key_valid_until", rotated.oldKeyValidUntil().toString());
        ctx.status(201).json(successor);
    }

    private void revoke(Context ctx) {
        Principal principal = keyAdmin(ctx);
        keys.revoke(principal, ctx.pathParam("id"), AuditLog.Origin.of(ctx));
        ctx.status(204);
    }
}
