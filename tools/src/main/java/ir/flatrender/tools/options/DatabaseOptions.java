package ir.flatrender.tools.options;

import ir.flatrender.migrations.DatabaseConfig;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the database is: an external PostgreSQL by URL, or the embedded one. */
public final class DatabaseOptions {
    @Option(
            names = "--db-url",
            defaultValue = "${env:FLATRENDER_DB_URL}",
            description = "JDBC URL of an external PostgreSQL, e.g. jdbc:postgresql://db:5432/flatrender "
                    + "(env FLATRENDER_DB_URL). Without it an embedded PostgreSQL is started.")
    String url;

    @Option(
            names = "--db-user",
            defaultValue = "${env:FLATRENDER_DB_USER}",
            description = "Database role (env FLATRENDER_DB_USER).")
    String user;

    @Option(
            names = "--db-password",
            defaultValue = "${env:FLATRENDER_DB_PASSWORD}",
            description = "Database password (env FLATRENDER_DB_PASSWORD; prefer the environment to the command line).")
    String password;

    @Option(
            names = "--db-pool",
            defaultValue = "16",
            description = "Database connections in the pool (default: ${DEFAULT-VALUE}).")
    int pool;

    @Option(
            names = "--embedded-db-port",
            defaultValue = "0",
            description = "Port of the embedded PostgreSQL; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int embeddedPort;

    public Optional<DatabaseConfig> external() {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(DatabaseConfig.of(url)
                .withCredentials(user == null ? "" : user, password == null ? "" : password)
                .withMaxPoolSize(pool));
    }

    public int pool() {
        return pool;
    }

    public int embeddedPort() {
        return embeddedPort;
    }
}
