package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Sign-up, login, token refresh and logout. A sign-up makes the user a tenant of their own and
 * its owner. Five wrong passwords in a row lock the account for {@link #LOCKOUT}. Refresh tokens
 * rotate: each use answers a new one, and a token used twice revokes its whole family (whoever
 * holds either copy must sign in again), except a repeat within {@link #REPEAT_GRACE} whose
 * answer was never used: a page that reloads mid-refresh loses the answer and asks again. A
 * user with a confirmed second factor gets an MFA challenge, not a session, for a right password.
 */
public final class Accounts {
    static final int MAX_FAILED_LOGINS = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    /**
     * How long after its first use a refresh token may come again, while the token it was
     * answered with is unused: long enough for a reload on a slow line. A tab closed mid-refresh
     * and opened later than this has to sign in again.
     */
    static final Duration REPEAT_GRACE = Duration.ofSeconds(60);

    /** A user's membership of a tenant, as a session carries it. */
    public record Member(UUID userId, UUID tenantId, String role, boolean farmAdmin) {}

    /** A new access token and refresh token for a member. */
    public record Session(Member member, String accessToken, Duration expiresIn, String refreshToken) {}

    /** What a right password answers: a session, or (with a second factor on) an MFA challenge. */
    public record Login(Optional<Session> session, Optional<Mfa.Challenge> challenge) {}

    private final Jdbi jdbi;
    private final AccessTokens tokens;
    private final PasswordChecks passwords;
    private final Duration refreshLifetime;
    private final Mfa mfa;
    private final ObjectMapper json;
    private final Clock clock;

    public Accounts(
            Jdbi jdbi,
            AccessTokens tokens,
            PasswordChecks passwords,
            Duration refreshLifetime,
            Mfa mfa,
            ObjectMapper json,
            Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.refreshLifetime = requireNonNull(refreshLifetime, "refreshLifetime is null");
        this.mfa = requireNonNull(mfa, "mfa is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A new account, owner of a new tenant named {@code organization}; 409 when the email is taken. */
    public Session signup(String email, String password, String name, String organization, AuditLog.Origin origin) {
        String hash = passwords.hash(password);
        String normalized = email.toLowerCase(Locale.ROOT);
        Member member = jdbi.inTransaction(handle -> {
            AccountDao accounts = handle.attach(AccountDao.class);
            if (accounts.emailTaken(normalized)) {
                throw Problem.conflict("email-taken", "an account with this email exists; sign in instead");
            }
            UUID tenant = accounts.insertTenant(slug(organization), organization);
            UUID user = accounts.insertUser(normalized, name, hash);
            accounts.insertOwner(tenant, user);
            AuditLog.record(
                    handle,
                    tenant,
                    Optional.of(user),
                    "user.signed_up",
                    "user:" + user,
                    json.createObjectNode().put("email", normalized),
                    origin.requestId(),
                    origin.ip());
            return new Member(user, tenant, "owner", false);
        });
        return session(member);
    }

    /**
     * Checks the password: 401 when the email or the password is wrong, 429 while the account is
     * locked, 403 when it is not active.
     */
    public Login login(String email, String password, Optional<UUID> tenant, AuditLog.Origin origin) {
        String normalized = email.toLowerCase(Locale.ROOT);
        Optional<AccountDao.Account> account = jdbi.withExtension(AccountDao.class, a -> a.account(normalized));
        if (account.isEmpty()) {
            passwords.burn(password);
            throw Problem.unauthorized("the email or the password is wrong");
        }
        AccountDao.Account found = account.get();
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
        jdbi.useExtension(AccountDao.class, a -> a.clearFailedLogins(found.id()));
        if (mfa.enrolled(found.id())) {
            // The password was right; the second factor must follow before any token is given.
            return new Login(Optional.empty(), Optional.of(mfa.challenge(found.id())));
        }
        return new Login(Optional.of(sessionFor(found.id(), tenant, "user.logged_in", origin)), Optional.empty());
    }

    /** Counts a login attempt unless the account is locked; false when it is. */
    private boolean countAttempt(UUID user, Instant now) {
        return jdbi.withExtension(
                        AccountDao.class,
                        a -> a.countAttempt(
                                user,
                                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                                MAX_FAILED_LOGINS,
                                OffsetDateTime.ofInstant(now.plus(LOCKOUT), ZoneOffset.UTC)))
                == 1;
    }

    /** A new session for a user whose every factor was checked, recorded in the audit log as {@code action}. */
    public Session sessionFor(UUID userId, Optional<UUID> tenant, String action, AuditLog.Origin origin) {
        Member member = jdbi.inTransaction(handle -> {
            handle.attach(AccountDao.class).touchLastLogin(userId);
            Member m = membership(handle, userId, tenant);
            AuditLog.record(
                    handle,
                    m.tenantId(),
                    Optional.of(m.userId()),
                    action,
                    "user:" + m.userId(),
                    json.createObjectNode(),
                    origin.requestId(),
                    origin.ip());
            return m;
        });
        return session(member);
    }

    /** The user's membership in {@code tenant}, or their first (the tenant they made) when none is named. */
    private static Member membership(Handle handle, UUID userId, Optional<UUID> tenant) {
        return handle.attach(AccountDao.class)
                .membership(userId, tenant.orElse(null))
                .orElseThrow(() -> tenant.isPresent()
                        ? Problem.forbidden("this account is not a member of tenant " + tenant.get())
                        : Problem.forbidden("this account belongs to no tenant"));
    }

    /**
     * A new session for a refresh token, which is used up; 401 when it is unknown, revoked or
     * expired, or used before (which revokes every token of its family). The one exception is a
     * repeat within {@link #REPEAT_GRACE} of the token's first use while a token it was answered
     * with is still unused: that answer was lost (the page reloaded while the refresh was in
     * flight), or the two requests crossed (the page that left sent the late one). The repeat
     * gets another answer beside it; the first of them to be used uses the others up. So a copy in
     * someone else's hands still ends the session, as soon as both holders have refreshed. Both
     * are in the tenant's audit log with the request that sent the used token again: a repeat as
     * {@code session.refresh_repeated}, a revocation as {@code session.revoked}. Refreshes and
     * revocations of one family take turns, so a revocation also ends a token being issued.
     */
    public Session refresh(String refreshToken, AuditLog.Origin origin) {
        String digest = Secrets.sha256(refreshToken);
        Optional<Session> session = jdbi.inTransaction(handle -> {
            AccountDao accounts = handle.attach(AccountDao.class);
            UUID family = accounts.refreshFamily(digest)
                    .orElseThrow(() -> Problem.unauthorized("the refresh token is not valid"));
            accounts.lockFamily(family.toString());
            AccountDao.RefreshToken stored = accounts.lockRefreshToken(digest)
                    .orElseThrow(() -> Problem.unauthorized("the refresh token is not valid"));
            if (stored.revokedAt() != null) {
                throw Problem.unauthorized("the refresh token was revoked; sign in again");
            }
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            if (stored.usedAt() != null) {
                boolean answerLost =
                        stored.usedAt().plus(REPEAT_GRACE).isAfter(now) && accounts.hasUnusedSuccessor(stored.id());
                if (!answerLost) {
                    // Used before: a copy is in someone else's hands. End the whole session (committed).
                    accounts.revokeFamily(stored.familyId());
                    audit(handle, stored, "session.revoked", "a refresh token was used twice", origin);
                    return Optional.empty();
                }
                // Answered again beside the unused answer: the requests may have crossed (a late
                // one from the page that left), so neither is used up until one of them is used.
                audit(handle, stored, "session.refresh_repeated", "a refresh answer was lost", origin);
            } else if (stored.expiresAt().isBefore(now)) {
                throw Problem.unauthorized("the refresh token has expired; sign in again");
            } else {
                accounts.useRefreshToken(stored.id(), now);
                if (stored.parentId() != null) {
                    accounts.useUpSiblings(stored.id(), stored.parentId(), now);
                }
            }
            Member member = membership(handle, stored.userId(), Optional.of(stored.tenantId()));
            return Optional.of(session(handle, member, stored.familyId(), Optional.of(stored.id())));
        });
        return session.orElseThrow(
                () -> Problem.unauthorized("the refresh token was used twice; every session of it is revoked"));
    }

    private void audit(
            Handle handle, AccountDao.RefreshToken token, String action, String reason, AuditLog.Origin origin) {
        AuditLog.record(
                handle,
                token.tenantId(),
                Optional.of(token.userId()),
                action,
                "user:" + token.userId(),
                json.createObjectNode().put("reason", reason),
                origin.requestId(),
                origin.ip());
    }

    /** Revokes the refresh token's family; nothing for an unknown token. */
    public void logout(String refreshToken) {
        jdbi.useTransaction(handle -> {
            AccountDao accounts = handle.attach(AccountDao.class);
            accounts.refreshFamily(Secrets.sha256(refreshToken)).ifPresent(family -> {
                accounts.lockFamily(family.toString());
                accounts.revokeFamily(family);
            });
        });
    }

    /** A new access token and a refresh token of a new family. */
    private Session session(Member member) {
        return jdbi.inTransaction(handle -> session(handle, member, UUID.randomUUID(), Optional.empty()));
    }

    /** A new access token and a refresh token of {@code family}, answering {@code parent} when it refreshes one. */
    private Session session(Handle handle, Member member, UUID family, Optional<UUID> parent) {
        String refresh = Secrets.generate("frr_");
        handle.attach(AccountDao.class)
                .insertRefreshToken(
                        family,
                        parent.orElse(null),
                        member.userId(),
                        member.tenantId(),
                        Secrets.sha256(refresh),
                        OffsetDateTime.ofInstant(clock.instant().plus(refreshLifetime), ZoneOffset.UTC));
        String access = tokens.issue(
                member.userId(), member.tenantId(), Principal.Role.parse(member.role()), member.farmAdmin());
        return new Session(member, access, tokens.lifetime(), refresh);
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
