package ir.flatrender.migrations;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How to reach PostgreSQL.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param user the role to connect as; empty to take it from the URL
 * @param password its password; empty to take it from the URL or the environment
 * @param maxPoolSize connections in the pool
 * @param connectionTimeout how long to wait for a free connection
 */
public record DatabaseConfig(
        String jdbcUrl, String user, String password, int maxPoolSize, Duration connectionTimeout) {
    public static final int DEFAULT_MAX_POOL_SIZE = 16;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    public DatabaseConfig {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "database URL must start with jdbc:postgresql: but was " + redact(jdbcUrl));
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1 but was " + maxPoolSize);
        }
        if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250ms but was " + connectionTimeout);
        }
    }

    public static DatabaseConfig of(String jdbcUrl) {
        return new DatabaseConfig(jdbcUrl, "", "", DEFAULT_MAX_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    public DatabaseConfig withMaxPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, size, connectionTimeout);
    }

    public DatabaseConfig withCredentials(String newUser, String newPassword) {
        return new DatabaseConfig(jdbcUrl, newUser, newPassword, maxPoolSize, connectionTimeout);
    }

    /** The URL without its query, which may hold a password; for messages and logs. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    private static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + redactedUrl() + ", user=" + user + ", pool=" + maxPoolSize + "]";
    }
}
