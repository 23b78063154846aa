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

    /** The same database as {@code admin}'s configuration, logging in as {@code login}. */
    public static DatabaseConfig loginConfig(DatabaseConfig admin, String login, String password) {
        String url = admin.jdbcUrl();
        int query = url.indexOf('?');
        return new DatabaseConfig(
                query < 0 ? url : url.substring(0, query),
                login,
                password,
                admin.maxPoolSize(),
                admin.connectionTimeout());
    }
}
