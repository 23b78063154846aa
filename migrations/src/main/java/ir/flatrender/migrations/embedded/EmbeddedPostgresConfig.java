package ir.flatrender.migrations.embedded;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded PostgreSQL server used by {@code orchestrator} and {@code dev} (with a data
 * directory), {@code demo} and the tests.
 *
 * @param dataDirectory where the cluster lives; it survives restarts, and the superuser's
 *     generated password is kept beside it ({@code <dataDirectory>-password}, owner-only).
 *     Empty means a fresh temporary cluster that is deleted on close.
 * @param port the TCP port on loopback; 0 picks a free one
 * @param durable whether commits reach the disk (fsync, synchronous commit, full page writes):
 *     a cluster that holds a farm's state must survive a crash of the machine or of PostgreSQL
 *     itself; a throwaway one (demo, tests) may trade that for speed
 */
public record EmbeddedPostgresConfig(Optional<Path> dataDirectory, int port, boolean durable) {
    public EmbeddedPostgresConfig {
        requireNonNull(dataDirectory, "dataDirectory is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
        }
    }

    /** Durable exactly when it keeps data: a data directory is a farm's state. */
    public EmbeddedPostgresConfig(Optional<Path> dataDirectory, int port) {
        this(dataDirectory, port, dataDirectory.isPresent());
    }

    public static EmbeddedPostgresConfig temporary() {
        return new EmbeddedPostgresConfig(Optional.empty(), 0, false);
    }

    public static EmbeddedPostgresConfig persistent(Path dataDirectory) {
        return new EmbeddedPostgresConfig(Optional.of(dataDirectory), 0, true);
    }

    public EmbeddedPostgresConfig withDurable(boolean newDurable) {
        return new EmbeddedPostgresConfig(dataDirectory, port, newDurable);
    }

    /** Where the superuser's password is kept for a persistent cluster. */
    public Optional<Path> passwordFile() {
        return dataDirectory.map(dir -> dir.resolveSibling(dir.getFileName() + "-password"));
    }
}
