package ir.flatrender.migrations;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The services' database roles, which the migrations make and grant: {@link #ORCHESTRATOR} on
 * the content and render schemas, {@link #GATEWAY} on identity, {@link #PAYMENT} on payment. A service logs in as a member
 * of its role; {@link #ensureLogin} makes one (the embedded default does, for the services it
 * starts).
 */
public final class ServiceRoles {
    public static final String ORCHESTRATOR = "flatrender_orchestrator";
    public static final String GATEWAY = "flatrender_gateway";
    public static final String PAYMENT = "flatrender_payment";
    private static final String NAME = "[a-z_][a-z0-9_]{0,62}";

    private ServiceRoles() {}

    /** Makes {@code login} a login role in {@code group}, or sets its password if it exists. */
    public static void ensureLogin(DataSource admin, String group, String login, String password) {
        requireNonNull(admin, "admin is null");
        if (!group.matches(NAME) || !login.matches(NAME)) {
            throw new IllegalArgumentException("role names are plain identifiers");
        }
        requireNonNull(password, "password is null");
        String quoted = "'" + password.replace("'", "''") + "'";
        try (Connection connection = admin.getConnection()) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                query.setString(1, login);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            try (Statement statement = connection.createStatement()) {
                if (exists) {
                    statement.execute("ALTER ROLE " + login + " LOGIN PASSWORD " + quoted);
                    statement.execute("GRANT " + group + " TO " + login);
                } else {
                    statement.execute("CREATE ROLE " + login + " LOGIN PASSWORD " + quoted + " IN ROLE " + group);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not make the database login " + login + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same database as {@code admin}'s configuration, logging in as {@code login}: the URL's
     * own {@code user} and {@code password} parameters are dropped (they would win over the
     * login's), its other parameters ({@code sslmode}, {@code sslrootcert}, …) kept.
     */
    public static DatabaseConfig loginConfig(DatabaseConfig admin, String login, String password) {
        return new DatabaseConfig(
                withoutCredentials(admin.jdbcUrl()), login, password, admin.maxPoolSize(), admin.connectionTimeout());
    }

    static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        String kept = java.util.Arrays.stream(url.substring(query + 1).split("&"))
                .filter(parameter -> !parameter.isEmpty())
                .filter(parameter -> {
                    String name = parameter.split("=", 2)[0].toLowerCase(java.util.Locale.ROOT);
                    return !name.equals("user") && !name.equals("password");
                })
                .collect(java.util.stream.Collectors.joining("&"));
        return kept.isEmpty() ? url.substring(0, query) : url.substring(0, query + 1) + kept;
    }
}
