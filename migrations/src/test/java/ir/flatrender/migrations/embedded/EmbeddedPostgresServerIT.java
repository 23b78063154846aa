package ir.flatrender.migrations.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 case 5 and issue 14 case 13: the embedded PostgreSQL is durable, password-protected, and dies with its owner. */
class EmbeddedPostgresServerIT {
    @TempDir
    Path directory;

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @DisplayName("case 5: a cluster with a data directory is crash-safe (fsync, synchronous commit and full page"
            + " writes on); a temporary one is fast")
    void aFarmsClusterIsDurable() throws Exception {
        try (EmbeddedPostgresServer server =
                        EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(directory.resolve("postgres")));
                Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"))) {
            assertThat(show(connection, "fsync")).isEqualTo("on");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(show(connection, "full_page_writes")).isEqualTo("on");
        }
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.temporary());
                Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"))) {
            assertThat(show(connection, "fsync")).isEqualTo("off");
        }
    }

    @Test
    @DisplayName("issue 14 case 13: the superuser has a generated password in an owner-only file, and a connection"
            + " without it is refused (scram-sha-256, no trust)")
    void everyConnectionProvesThePassword() throws Exception {
        Path data = directory.resolve("postgres");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(data))) {
            Path file = directory.resolve("postgres-password");
            assertThat(file).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            String password = Files.readString(file).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);

            String url = "jdbc:postgresql://localhost:" + server.port() + "/postgres?user=postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() ->
                            DriverManager.getConnection(url + "&password=wrong").close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection connection = DriverManager.getConnection(url + "&password=" + password);
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres'")) {
                rs.next();
                assertThat(rs.getBoolean(1))
                        .as("the password is stored as a SCRAM verifier")
                        .isTrue();
            }
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
        }
        // The same password after a restart.
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(data));
                Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"))) {
            assertThat(show(connection, "password_encryption")).isEqualTo("scram-sha-256");
        }
    }

    @Test
    @DisplayName("issue 14 case 13: a cluster an older version made trusting local connections gets a password at"
            + " its next start")
    void aTrustingClusterIsClosed() throws Exception {
        Path data = directory.resolve("postgres");
        EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(data)).close();
        // What an older version left: a trust pg_hba.conf and no password file.
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
        Files.delete(directory.resolve("postgres-password"));
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(data))) {
            String url = "jdbc:postgresql://localhost:" + server.port() + "/postgres?user=postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"))) {
                assertThat(show(connection, "fsync")).isEqualTo("on");
            }
        }
    }

    @Test
    @DisplayName("case 5: the embedded PostgreSQL stops when the JVM that owns it is killed with SIGKILL")
    void itDiesWithItsOwner() throws Exception {
        Path data = directory.resolve("postgres");
        Process owner = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TestingEmbeddedOwner.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        long postmaster;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line)
                        .as("the owner's output ended before it said it was ready")
                        .isNotNull();
            } while (!line.startsWith("ready "));
            postmaster = Long.parseLong(
                    Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            assertThat(ProcessHandle.of(postmaster)).isPresent();

            // SIGKILL: no shutdown hook, no close; only the kernel closing the JVM's pipes.
            owner.destroyForcibly();
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Optional<ProcessHandle> server = ProcessHandle.of(postmaster);
        if (server.isPresent()) {
            server.get().onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive))
                .as("PostgreSQL still runs")
                .isEmpty();
        assertThat(data.resolve("postmaster.pid"))
                .as("a clean (fast) shutdown removes its pid file")
                .doesNotExist();

        // And it starts again on the same data.
        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(data));
                Connection connection = DriverManager.getConnection(again.jdbcUrl("postgres"))) {
            assertThat(show(connection, "fsync")).isEqualTo("on");
        }
    }

    /** The owner process of {@link #itDiesWithItsOwner}: starts the server, says so, and waits to be killed. */
    public static final class TestingEmbeddedOwner {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgresServer server =
                    EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(Path.of(args[0])));
            System.out.println("ready " + server.port());
            System.out.flush();
            // Killed long before this ends; closed otherwise, as an owner does.
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            server.close();
        }
    }
}
