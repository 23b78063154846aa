package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
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
 * is kept, compared in constant time. A key has scopes and may expire; rotating one makes its
 * successor and lets the old one work through a grace period; a revoked one stops at once. A key
 * acts as an editor of its tenant, within its scopes. Keys are managed by the tenant's admins,
 * each within their own tenant.
 */
public final class ApiKeys {
    public static final Set<String> SCOPES = Set.of("renders:read", "renders:write", "webhooks:write", "billing:read");
    private static final Pattern KEY = Pattern.compile("^frk_(key_[a-z0-9]{16})_([A-Za-z0-9_-]{43})$");
    private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key; {@code key} (the whole key, secret included) is shown this once. */
    public record Created(
            String id, String name, List<String> scopes, Optional<OffsetDateTime> expiresAt, String key) {}

    /** A rotation: the successor, and until when the old key still works. */
    public record Rotated(Created successor, String replaces, OffsetDateTime oldKeyValidUntil) {}

    /** A key as its tenant lists it; never the secret. */
    public record Key(
            String id,
            String name,
            List<String> scopes,
            Optional<OffsetDateTime> expiresAt,
            Optional<OffsetDateTime> revokedAt,
            Optional<OffsetDateTime> graceUntil,
            Optional<String> replacedBy,
            Optional<OffsetDateTime> lastUsedAt,
            OffsetDateTime createdAt) {}

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    public ApiKeys(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public static boolean looksLikeKey(String value) {
        return value.startsWith("frk_");
    }

    /** The principal of a valid key; a 401 problem that says why for any other. */
    public Principal authenticate(String presented) {
        Matcher m = KEY.matcher(presented);
        if (!m.matches()) {
            throw Problem.unauthorized("the API key is not valid");
        }
        String id = m.group(1);
        String digest = Secrets.sha256(m.group(2));
        Optional<ApiKeyDao.Stored> row = jdbi.withExtension(ApiKeyDao.class, keys -> keys.find(id));
        // The digest is compared even for an unknown id, so timing does not tell ids apart.
        String expected = row.map(ApiKeyDao.Stored::secretSha256).orElse(Secrets.sha256("no such key"));
        if (!Secrets.sameDigest(expected, digest) || row.isEmpty()) {
            throw Problem.unauthorized("the API key is not valid");
        }
        ApiKeyDao.Stored key = row.get();
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
            jdbi.useExtension(ApiKeyDao.class, keys -> keys.touch(key.id()));
        }
        return new Principal(
                key.tenantId(),
                Optional.empty(),
                Optional.of(key.id()),
                Principal.Role.EDITOR,
                false,
                List.of(key.scopes()));
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("key_");
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static void requireKeyAdmin(Principal principal) {
        principal.user();
        principal.require(Principal.Role.ADMIN);
    }

    /** Inserts a key in the caller's transaction. */
    private static Created insert(
            Handle handle, UUID tenantId, UUID userId, String name, List<String> scopes, OffsetDateTime expiresAt) {
        String id = newId();
        String secret = Secrets.generate("");
        handle.attach(ApiKeyDao.class)
                .insert(id, tenantId, name, Secrets.sha256(secret), scopes.toArray(String[]::new), userId, expiresAt);
        return new Created(id, name, List.copyOf(scopes), Optional.ofNullable(expiresAt), "frk_" + id + "_" + secret);
    }

    /** A new key of the admin's tenant, expiring after {@code days} (0: never). */
    public Created create(Principal principal, String name, List<String> scopes, int days, AuditLog.Origin origin) {
        requireKeyAdmin(principal);
        OffsetDateTime expires = days == 0
                ? null
                : OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofDays(days)), ZoneOffset.UTC);
        return jdbi.inTransaction(handle -> {
            Created key = insert(handle, principal.tenantId(), principal.user(), name, scopes, expires);
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "api_key.created",
                    "api_key:" + key.id(),
                    json.createObjectNode().put("name", name).set("scopes", json.valueToTree(scopes)),
                    origin.requestId(),
                    origin.ip());
            return key;
        });
    }

    /** The keys of the admin's tenant, newest first. */
    public List<Key> list(Principal principal) {
        requireKeyAdmin(principal);
        return jdbi.withExtension(ApiKeyDao.class, keys -> keys.list(principal.tenantId())).stream()
                .map(k -> new Key(
                        k.id(),
                        k.name(),
                        List.of(k.scopes()),
                        Optional.ofNullable(k.expiresAt()),
                        Optional.ofNullable(k.revokedAt()),
                        Optional.ofNullable(k.graceUntil()),
                        Optional.ofNullable(k.replacedBy()),
                        Optional.ofNullable(k.lastUsedAt()),
                        k.createdAt()))
                .toList();
    }

    /** Makes a live key's successor; the old one works for {@code graceHours} more (404 for no live key). */
    public Rotated rotate(Principal principal, String id, int graceHours, AuditLog.Origin origin) {
        requireKeyAdmin(principal);
        OffsetDateTime graceUntil =
                OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofHours(graceHours)), ZoneOffset.UTC);
        Created successor = jdbi.inTransaction(handle -> {
            ApiKeyDao keys = handle.attach(ApiKeyDao.class);
            ApiKeyDao.Live old =
                    keys.lockLive(principal.tenantId(), id).orElseThrow(() -> Problem.notFound("live API key " + id));
            Created key = insert(
                    handle, principal.tenantId(), principal.user(), old.name(), List.of(old.scopes()), old.expiresAt());
            keys.replace(id, key.id(), graceUntil);
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "api_key.rotated",
                    "api_key:" + id,
                    json.createObjectNode().put("successor", key.id()),
                    origin.requestId(),
                    origin.ip());
            return key;
        });
        return new Rotated(successor, id, graceUntil);
    }

    /** Revokes a key of the admin's tenant at once; 404 for none (or one revoked already). */
    public void revoke(Principal principal, String id, AuditLog.Origin origin) {
        requireKeyAdmin(principal);
        int revoked = jdbi.inTransaction(handle -> {
            int n = handle.attach(ApiKeyDao.class).revoke(principal.tenantId(), id);
            if (n > 0) {
                AuditLog.record(
                        handle,
                        principal.tenantId(),
                        principal.userId(),
                        "api_key.revoked",
                        "api_key:" + id,
                        json.createObjectNode(),
                        origin.requestId(),
                        origin.ip());
            }
            return n;
        });
        if (revoked == 0) {
            throw Problem.notFound("API key " + id);
        }
    }
}
