package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who a request acts for: a member of a tenant (by an access token) or a tenant's API key.
 *
 * @param userId the user; empty for an API key
 * @param apiKeyId the key; empty for a user
 */
public record Principal(
        UUID tenantId,
        Optional<UUID> userId,
        Optional<String> apiKeyId,
        Role role,
        boolean farmAdmin,
        List<String> scopes) {
    public Principal {
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(apiKeyId, "apiKeyId is null");
        requireNonNull(role, "role is null");
        scopes = List.copyOf(scopes);
    }

    /** A member's roles, weakest first. */
    public enum Role {
        VIEWER,
        EDITOR,
        ADMIN,
        OWNER;

        public static Role parse(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }

        public String dbName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public void require(Role least) {
        if (role.compareTo(least) < 0) {
            throw Problem.forbidden("this needs the " + least.dbName() + " role; yours is " + role.dbName());
        }
    }

    public void requireFarmAdmin() {
        if (!farmAdmin) {
            throw Problem.forbidden("this needs a farm administrator");
        }
    }

    public void requireScope(String scope) {
        if (apiKeyId.isPresent() && !scopes.contains(scope)) {
            throw Problem.forbidden("this API key lacks the " + scope + " scope");
        }
    }

    public UUID user() {
        return userId.orElseThrow(() -> Problem.forbidden("this needs a signed-in user, not an API key"));
    }
}
