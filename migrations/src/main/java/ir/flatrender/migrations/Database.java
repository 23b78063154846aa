package ir.flatrender.migrations;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.jackson2.Jackson2Config;
import org.jdbi.v3.jackson2.Jackson2Plugin;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** A connection pool and the Jdbi built on it. Closing it closes the pool. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin())
                .installPlugin(new Jackson2Plugin());
        jdbi.getConfig(Jackson2Config.class).setMapper(json);
    }

    /** Opens a pool; fails fast when the database cannot be reached. */
    public static Database connect(DatabaseConfig config, String poolName, ObjectMapper json) {
        requireNonNull(config, "config is null");
        requireNonNull(poolName, "poolName is null");
        requireNonNull(json, "json is null");
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        if (!config.user().isEmpty()) {
            hikari.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        hikari.setPoolName(poolName);
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        return new Database(new HikariDataSource(hikari), json);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Brings the given schemas up to date; call before any port opens. */
    public void migrate(List<Schema> schemas) {
        Migrations.migrate(dataSource, schemas);
    }

    /**
     * Whether an error means the database could not be reached or dropped the connection (a
     * restart, {@code pg_terminate_backend}, a full pool): worth retrying later, not a reason to
     * fail the work. SQL states of class 08 (connection exception) and 57P (operator
     * intervention), and the pool's own timeouts.
     */
    public static boolean isUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
