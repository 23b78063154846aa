package ir.flatrender.migrations.embedded;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded PostgreSQL server used by {@code dev}, {@code demo} and the tests.
 *
 * @param dataDirectory where the cluster lives; it survives restarts. Empty means a fresh
 *     temporary cluster that is deleted on close.
 * @param port the TCP port on loopback; 0 picks a free one
 */
public record EmbeddedPostgresConfig(Optional<Path> dataDirectory, int port) {
    public EmbeddedPostgresConfig {
        requireNonNull(dataDirectory, "dataDirectory is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
        }
    }

    public static EmbeddedPostgresConfig temporary() {
        return new EmbeddedPostgresConfig(Optional.empty(), 0);
    }

    public static EmbeddedPostgresConfig persistent(Path dataDirectory) {
        return new EmbeddedPostgresConfig(Optional.of(dataDirectory), 0);
    }
}
