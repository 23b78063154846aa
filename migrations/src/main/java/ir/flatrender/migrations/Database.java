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

    @Override
    public void close() {
        dataSource.close();
    }
}
