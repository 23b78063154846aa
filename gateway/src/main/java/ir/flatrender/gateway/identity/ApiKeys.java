package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Tenant API keys for the reseller API. A key reads {@code frk_<key id>_<secret>}; the key id
 * is visible (lists show {@code frk_<key id>}), the secret is shown once and only its SHA-256
 * is kept. A key has scopes and may expire; rotating one makes its successor and lets the old
 * one work through a grace period; a revoked one stops at once. A key acts as an editor of its
 * tenant, within its scopes.
 */
public final class ApiKeys {
    public static final Set<String> SCOPES = Set.of("renders:read", "renders:write", "webhooks:write", "billing:read");
    private static final Pattern KEY = Pattern.compile("^frk_(key_[a-z0-9]{16})_([A-Za-z0-9_-]{43})$");
    private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    public ApiKeys(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/api-keys", this::create);
        routes.get("/v1/api-keys", this::list);
        routes.post("/v1/api-keys/{id}/rotate", this::rotate);
        routes.post("/v1/api-keys/{id}/revoke", this::revoke);
    }

    public static boolean looksLikeKey(String value) {
        return value.startsWith("frk_");
    }

    private record Row(
            String id,
            UUID tenantId,
            String secretSha256,
            List<String> scopes,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime graceUntil,
            OffsetDateTime lastUsedAt) {}

    /** The principal of a valid key; a 401 problem that says why for any other. */
    public Principal authenticate(String presented) {
        Matcher m = KEY.matcher(presented);
        if (!m.matches()) {
            throw Problem.unauthorized("the API key is not valid");
        }
        String id = m.group(1);
        String digest = Secrets.sha256(m.group(2));
        Optional<Row> row = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, tenant_id, secret_sha256, scopes, expires_at, revoked_at, grace_until, last_used_at
                        FROM identity.tenant_api_keys WHERE id = :id
                        """)
                .bind("id", id)
                .map((rs, c) -> new Row(
                        rs.getString("id"),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("secret_sha256"),
                        List.of((String[]) rs.getArray("scopes").getArray()),
                        rs.getObject("expires_at", OffsetDateTime.class),
                        rs.getObject("revoked_at", OffsetDateTime.class),
                        rs.getObject("grace_until", OffsetDateTime.class),
                        rs.getObject("last_used_at", OffsetDateTime.class)))
                .findOne());
        // The digest is compared even for an unknown id, so timing does not tell ids apart.
        String expected = row.map(Row::secretSha256).orElse(Secrets.sha256("no such key"));
        if (!Secrets.sameDigest(expected, digest) || row.isEmpty()) {
            throw Problem.unauthorized("the API key is not valid");
        }
        Row key = row.get();
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw Problem.unauthorized("the API key was revoked");
        }
        if (key.expiresAt() != null && !key.expiresAt().toInstant().isAfter(now)) {
            throw Problem.unauthorized("the API key has expired");
        }
        if (key.graceUntil() != null && !key.graceUntil().toInstant().isAfter(now)) {
            throw Problem.unauthorized("the API key was rotated and its grace period is over; use its successor");
        }
        if (key.lastUsedAt() == null || key.lastUsedAt().toInstant().isBefore(now.minus(Duration.ofMinutes(1)))) {
            jdbi.useHandle(handle -> handle.createUpdate(
                            "UPDATE identity.tenant_api_keys SET last_used_at = now() WHERE id = :id")
                    .bind("id", key.id())
                    .execute());
        }
        return new Principal(
                key.tenantId(), Optional.empty(), Optional.of(key.id()), Principal.Role.EDITOR, false, key.scopes());
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("key_");
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static Principal keyAdmin(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.user();
        principal.require(Principal.Role.ADMIN);
        return principal;
    }

    /** Inserts a key; answers its one-time JSON, secret included. */
    private ObjectNode insert(
            Handle handle, UUID tenantId, UUID userId, String name, List<String> scopes, OffsetDateTime expiresAt) {
        String id = newId();
        String secret = Secrets.generate("");
        handle.createUpdate("""
                        INSERT INTO identity.tenant_api_keys (id, tenant_id, name, secret_sha256, scopes, created_by,
                            expires_at)
                        VALUES (:id, :t, :name, :digest, :scopes, :user, :expires)
                        """)
                .bind("id", id)
                .bind("t", tenantId)
                .bind("name", name)
                .bind("digest", Secrets.sha256(secret))
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("user", userId)
                .bind("expires", expiresAt)
                .execute();
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("name", name);
        out.put("prefix", "frk_" + id);
        out.set("scopes", json.valueToTree(scopes));
        if (expiresAt != null) {
            out.put("expires_at", expiresAt.toString());
        }
        out.put("key", "frk_" + id + "_" + secret);
        return out;
    }

    private void create(Context ctx) {
        Principal principal = keyAdmin(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        String name = body.string("name", 200);
        List<String> scopes = body.strings("scopes", SCOPES);
        int days = body.optionalInt("expires_in_days", 1, 3650, 0);
        body.check();
        OffsetDateTime expires = days == 0
                ? null
                : OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofDays(days)), ZoneOffset.UTC);
        ObjectNode created = jdbi.inTransaction(handle -> {
            ObjectNode key = insert(handle, principal.tenantId(), principal.user(), name, scopes, expires);
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "api_key.created",
                    "api_key:" + key.path("id").asText(),
                    json.createObjectNode().put("name", name).set("scopes", json.valueToTree(scopes)),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return key;
        });
        ctx.status(201).json(created);
    }

    private void list(Context ctx) {
        Principal principal = keyAdmin(ctx);
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT id, name, scopes, expires_at, revoked_at, grace_until, replaced_by, last_used_at, created_at
                        FROM identity.tenant_api_keys WHERE tenant_id = :t ORDER BY created_at DESC
                        """)
                .bind("t", principal.tenantId())
                .map((rs, c) -> {
                    ObjectNode node = out.addObject();
                    node.put("id", rs.getString("id"));
                    node.put("name", rs.getString("name"));
                    node.put("prefix", "frk_" + rs.getString("id"));
                    node.set("scopes", json.valueToTree(rs.getArray("scopes").getArray()));
                    for (String column :
                            List.of("expires_at", "revoked_at", "grace_until", "last_used_at", "created_at")) {
                        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
                        if (time != null) {
                            node.put(column, time.toString());
                        }
                    }
                    Optional.ofNullable(rs.getString("replaced_by")).ifPresent(r -> node.put("replaced_by", r));
                    return node;
                })
                .list());
        ctx.json(json.createObjectNode().set("api_keys", out));
    }

    private record Existing(String name, List<String> scopes, OffsetDateTime expiresAt) {}

    private Existing live(Handle handle, UUID tenantId, String id) {
        return handle.createQuery("""
                        SELECT name, scopes, expires_at FROM identity.tenant_api_keys
                        WHERE id = :id AND tenant_id = :t AND revoked_at IS NULL AND replaced_by IS NULL
                        FOR UPDATE
                        """)
                .bind("id", id)
                .bind("t", tenantId)
                .map((rs, c) -> new Existing(
                        rs.getString("name"),
                        List.of((String[]) rs.getArray("scopes").getArray()),
                        rs.getObject("expires_at", OffsetDateTime.class)))
                .findOne()
                .orElseThrow(() -> Problem.notFound("live API key " + id));
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
        OffsetDateTime graceUntil =
                OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofHours(graceHours)), ZoneOffset.UTC);
        ObjectNode successor = jdbi.inTransaction(handle -> {
            Existing old = live(handle, principal.tenantId(), id);
            ObjectNode key =
                    insert(handle, principal.tenantId(), principal.user(), old.name(), old.scopes(), old.expiresAt());
            handle.createUpdate(
                            "UPDATE identity.tenant_api_keys SET grace_until = :g, replaced_by = :new WHERE id = :id")
                    .bind("g", graceUntil)
                    .bind("new", key.path("id").asText())
                    .bind("id", id)
                    .execute();
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "api_key.rotated",
                    "api_key:" + id,
                    json.createObjectNode().put("successor", key.path("id").asText()),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return key;
        });
        successor.put("replaces", id);
        successor.put("old_key_valid_until", graceUntil.toString());
        ctx.status(201).json(successor);
    }

    private void revoke(Context ctx) {
        Principal principal = keyAdmin(ctx);
        String id = ctx.pathParam("id");
        int revoked = jdbi.inTransaction(handle -> {
            int n = handle.createUpdate("""
                            UPDATE identity.tenant_api_keys SET revoked_at = now()
                            WHERE id = :id AND tenant_id = :t AND revoked_at IS NULL
                            """)
                    .bind("id", id)
                    .bind("t", principal.tenantId())
                    .execute();
            if (n > 0) {
                AuditLog.record(
                        handle,
                        principal.tenantId(),
                        principal.userId(),
                        "api_key.revoked",
                        "api_key:" + id,
                        json.createObjectNode(),
                        Requests.requestId(ctx),
                        Requests.ip(ctx));
            }
            return n;
        });
        if (revoked == 0) {
            throw Problem.notFound("API key " + id);
        }
        ctx.status(204);
    }
}
