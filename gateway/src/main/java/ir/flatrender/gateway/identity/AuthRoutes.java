package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Sign-up, login, token refresh and logout. A sign-up makes the user a tenant of their own and
 * its owner. Refresh tokens rotate: each use answers a new one, and a token used twice
 * revokes its whole family (whoever holds either copy must sign in again).
 */
public final class AuthRoutes {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{2,63}$");
    static final int MAX_FAILED_LOGINS = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);

    private final Jdbi jdbi;
    private final AccessTokens tokens;
    private final Duration refreshLifetime;
    private final ObjectMapper json;
    private final Clock clock;
    private final MfaRoutes mfa;
    private final PasswordChecks passwords;

    public AuthRoutes(
            Jdbi jdbi,
            AccessTokens tokens,
            PasswordChecks passwords,
            Duration refreshLifetime,
            SecretBox secrets,
            ObjectMapper json,
            Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.refreshLifetime = requireNonNull(refreshLifetime, "refreshLifetime is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mfa = new MfaRoutes(jdbi, secrets, this, json, clock);
    }

    public void register(RouteTable routes) {
        routes.post("/v1/auth/signup", this::signup);
        routes.post("/v1/auth/login", this::login);
        routes.post("/v1/auth/refresh", this::refresh);
        routes.post("/v1/auth/logout", this::logout);
        routes.get("/v1/me", this::me);
        mfa.register(routes);
    }

    private record Member(UUID userId, UUID tenantId, String role, boolean farmAdmin) {}

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
        String hash = passwords.hash(password);
        String normalized = email.toLowerCase(Locale.ROOT);
        Member member = jdbi.inTransaction(handle -> {
            boolean taken = handle.createQuery(
                            "SELECT EXISTS (SELECT 1 FROM identity.users WHERE lower(email) = :email)")
                    .bind("email", normalized)
                    .mapTo(Boolean.class)
                    .one();
            if (taken) {
                throw Problem.conflict("email-taken", "an account with this email exists; sign in instead");
            }
            UUID tenant = handle.createQuery("""
                            INSERT INTO identity.tenants (slug, name, plan_id)
                            VALUES (:slug, :name, 'free') RETURNING id
                            """)
                    .bind("slug", slug(organization))
                    .bind("name", organization)
                    .mapTo(UUID.class)
                    .one();
            UUID user = handle.createQuery("""
                            INSERT INTO identity.users (email, name, password_hash)
                            VALUES (:email, :name, :hash) RETURNING id
                            """)
                    .bind("email", normalized)
                    .bind("name", name)
                    .bind("hash", hash)
                    .mapTo(UUID.class)
                    .one();
            handle.createUpdate("INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, 'owner')")
                    .bind("t", tenant)
                    .bind("u", user)
                    .execute();
            AuditLog.record(
                    handle,
                    tenant,
                    Optional.of(user),
                    "user.signed_up",
                    "user:" + user,
                    json.createObjectNode().put("email", normalized),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return new Member(user, tenant, "owner", false);
        });
        ctx.status(201).json(session(member, Optional.empty()));
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
        String normalized = email.toLowerCase(Locale.ROOT);
        record Account(UUID id, String passwordHash, String status, int failedLogins, OffsetDateTime lockedUntil) {}
        Optional<Account> account = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, password_hash, status, failed_logins, locked_until
                        FROM identity.users WHERE lower(email) = :email
                        """)
                .bind("email", normalized)
                .map((rs, c) -> new Account(
                        rs.getObject("id", UUID.class),
                        rs.getString("password_hash"),
                        rs.getString("status"),
                        rs.getInt("failed_logins"),
                        rs.getObject("locked_until", OffsetDateTime.class)))
                .findOne());
        if (account.isEmpty()) {
            passwords.burn(password);
            throw Problem.unauthorized("the email or the password is wrong");
        }
        Account found = account.get();
        Instant now = clock.instant();
        // The attempt is counted before the password is checked, in one statement: concurrent
        // wrong passwords cannot all be checked (read-then-increment let 12 of 12 through). It
        // is counted in the check's turn, so a 503 costs no attempt, and at most as many are
        // outstanding as checks run at once (fewer than the limit: right ones never lock).
        boolean matched = passwords.run(() -> {
            if (!countAttempt(found.id(), now)) {
                long seconds = found.lockedUntil() == null
                                || found.lockedUntil().toInstant().isBefore(now)
                        ? LOCKOUT.toSeconds()
                        : Duration.between(now, found.lockedUntil().toInstant()).toSeconds();
                throw Problem.tooMany("too many failed logins; try again later", seconds);
            }
            return Passwords.matches(password, found.passwordHash());
        });
        if (!matched) {
            throw Problem.unauthorized("the email or the password is wrong");
        }
        if (!found.status().equals("active")) {
            throw Problem.forbidden("this account is " + found.status());
        }
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE identity.users SET failed_logins = 0, locked_until = NULL WHERE id = :id")
                .bind("id", found.id())
                .execute());
        if (mfa.enrolled(found.id())) {
            // The password was right; the second factor must follow before any token is given.
            ctx.json(mfa.challenge(found.id()));
            return;
        }
        ctx.json(sessionFor(found.id(), tenant, ctx, "user.logged_in"));
    }

    /** Counts a login attempt unless the account is locked; false when it is. */
    private boolean countAttempt(UUID user, Instant now) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                                UPDATE identity.users
                                SET failed_logins = CASE WHEN locked_until <= :now THEN 1 ELSE failed_logins + 1 END,
                                    locked_until = CASE
                                        WHEN (CASE WHEN locked_until <= :now THEN 1 ELSE failed_logins + 1 END) >= :max
                                            THEN :until
                                        ELSE NULL END
                                WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
                                """)
                        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                        .bind("max", MAX_FAILED_LOGINS)
                        .bind("until", OffsetDateTime.ofInstant(now.plus(LOCKOUT), ZoneOffset.UTC))
                        .bind("id", user)
                        .execute())
                == 1;
    }

    /** A new session for a user whose every factor was checked, recorded in the audit log. */
    ObjectNode sessionFor(UUID userId, Optional<UUID> tenant, Context ctx, String action) {
        Member member = jdbi.inTransaction(handle -> {
            handle.createUpdate("UPDATE identity.users SET last_login_at = now() WHERE id = :id")
                    .bind("id", userId)
                    .execute();
            Member m = membership(handle, userId, tenant);
            AuditLog.record(
                    handle,
                    m.tenantId(),
                    Optional.of(m.userId()),
                    action,
                    "user:" + m.userId(),
                    json.createObjectNode(),
                    Requests.requestId(ctx),
                    Requests.ip(ctx));
            return m;
        });
        return session(member, Optional.empty());
    }

    /** The user's membership in {@code tenant}, or their first (the tenant they made) when none is named. */
    private Member membership(Handle handle, UUID userId, Optional<UUID> tenant) {
        return handle.createQuery("""
                        SELECT m.user_id, m.tenant_id, m.role, u.farm_admin
                        FROM identity.members m JOIN identity.users u ON u.id = m.user_id
                        WHERE m.user_id = :user AND (CAST(:tenant AS uuid) IS NULL OR m.tenant_id = :tenant)
                        ORDER BY m.created_at LIMIT 1
                        """)
                .bind("user", userId)
                .bind("tenant", tenant.orElse(null))
                .map((rs, c) -> new Member(
                        rs.getObject("user_id", UUID.class),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("role"),
                        rs.getBoolean("farm_admin")))
                .findOne()
                .orElseThrow(() -> tenant.isPresent()
                        ? Problem.forbidden("this account is not a member of tenant " + tenant.get())
                        : Problem.forbidden("this account belongs to no tenant"));
    }

    private void refresh(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("refresh_token", 200);
        body.check();
        String digest = Secrets.sha256(token);
        record Stored(
                UUID id,
                UUID family,
                UUID user,
                UUID tenant,
                OffsetDateTime expires,
                OffsetDateTime used,
                OffsetDateTime revoked) {}
        Member member = jdbi.inTransaction(handle -> {
            Stored stored = handle.createQuery("""
                            SELECT id, family_id, user_id, tenant_id, expires_at, used_at, revoked_at
                            FROM identity.refresh_tokens WHERE token_sha256 = :digest FOR UPDATE
                            """)
                    .bind("digest", digest)
                    .map((rs, c) -> new Stored(
                            rs.getObject("id", UUID.class),
                            rs.getObject("family_id", UUID.class),
                            rs.getObject("user_id", UUID.class),
                            rs.getObject("tenant_id", UUID.class),
                            rs.getObject("expires_at", OffsetDateTime.class),
                            rs.getObject("used_at", OffsetDateTime.class),
                            rs.getObject("revoked_at", OffsetDateTime.class)))
                    .findOne()
                    .orElseThrow(() -> Problem.unauthorized("the refresh token is not valid"));
            if (stored.revoked() != null) {
                throw Problem.unauthorized("the refresh token was revoked; sign in again");
            }
            if (stored.used() != null) {
                // Used before: a copy is in someone else's hands. End the whole session.
                revokeFamily(handle, stored.family());
                return null;
            }
            if (stored.expires().toInstant().isBefore(clock.instant())) {
                throw Problem.unauthorized("the refresh token has expired; sign in again");
            }
            handle.createUpdate("UPDATE identity.refresh_tokens SET used_at = now() WHERE id = :id")
                    .bind("id", stored.id())
                    .execute();
            Member m = membership(handle, stored.user(), Optional.of(stored.tenant()));
            ctx.attribute("flatrender.refreshFamily", stored.family());
            return m;
        });
        if (member == null) {
            throw Problem.unauthorized("the refresh token was used twice; every session of it is revoked");
        }
        UUID family = ctx.attribute("flatrender.refreshFamily");
        ctx.json(session(member, Optional.of(family)));
    }

    private static void revokeFamily(Handle handle, UUID family) {
        handle.createUpdate(
                        "UPDATE identity.refresh_tokens SET revoked_at = now() WHERE family_id = :f AND revoked_at IS NULL")
                .bind("f", family)
                .execute();
    }

    private void logout(Context ctx) {
        RequestBodies body = RequestBodies.read(ctx, json);
        String token = body.string("refresh_token", 200);
        body.check();
        jdbi.useTransaction(handle -> handle.createQuery(
                        "SELECT family_id FROM identity.refresh_tokens WHERE token_sha256 = :digest")
                .bind("digest", Secrets.sha256(token))
                .mapTo(UUID.class)
                .findOne()
                .ifPresent(family -> revokeFamily(handle, family)));
        ctx.status(204);
    }

    private void me(Context ctx) {
        Principal principal = Requests.principal(ctx);
        ObjectNode out = json.createObjectNode();
        out.put("tenant_id", principal.tenantId().toString());
        principal.userId().ifPresent(id -> out.put("user_id", id.toString()));
        principal.apiKeyId().ifPresent(id -> out.put("api_key_id", id));
        out.put("role", principal.role().dbName());
        out.put("farm_admin", principal.farmAdmin());
        ctx.json(out);
    }

    /** A new access token and a refresh token (of a new family, or continuing one). */
    private ObjectNode session(Member member, Optional<UUID> family) {
        String refresh = Secrets.generate("frr_");
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO identity.refresh_tokens (family_id, user_id, tenant_id, token_sha256, expires_at)
                        VALUES (:family, :user, :tenant, :digest, :expires)
                        """)
                .bind("family", family.orElseGet(UUID::randomUUID))
                .bind("user", member.userId())
                .bind("tenant", member.tenantId())
                .bind("digest", Secrets.sha256(refresh))
                .bind("expires", OffsetDateTime.ofInstant(clock.instant().plus(refreshLifetime), ZoneOffset.UTC))
                .execute());
        ObjectNode out = json.createObjectNode();
        out.put(
                "access_token",
                tokens.issue(
                        member.userId(), member.tenantId(), Principal.Role.parse(member.role()), member.farmAdmin()));
        out.put("token_type", "Bearer");
        out.put("expires_in", tokens.lifetime().toSeconds());
        out.put("refresh_token", refresh);
        out.put("user_id", member.userId().toString());
        out.put("tenant_id", member.tenantId().toString());
        out.put("role", member.role());
        return out;
    }

    static String slug(String name) {
        String base = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKD)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (base.length() < 2) {
            base = "tenant";
        }
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
