package ir.flatrender.node;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.node.control.OrchestratorAddresses;
import ir.flatrender.node.engines.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a render node needs to start. Made by {@link #builder}, which starts from the
 * defaults ({@code NodeConfigTest} pins them), or changed with {@link #toBuilder}.
 *
 * @param name the node's name, unique in the farm
 * @param slots chunks rendered at once
 * @param connection how the node reaches the orchestrator
 * @param workDirectory scratch space for segments
 * @param cache where template packages are kept, and how much of them
 * @param engines where the engines' programs are
 * @param ffmpeg an ffmpeg program to use instead of the bundled one
 * @param deadlines how long a chunk and an upload may take
 */
public record NodeConfig(
        String name,
        int slots,
        Connection connection,
        Path workDirectory,
        Cache cache,
        EngineSettings engines,
        Optional<Path> ffmpeg,
        Deadlines deadlines) {
    public static final DataSize DEFAULT_CACHE_BUDGET = DataSize.ofGibibytes(10);

    public NodeConfig {
        requireNonNull(name, "name is null");
        requireNonNull(connection, "connection is null");
        requireNonNull(workDirectory, "workDirectory is null");
        requireNonNull(cache, "cache is null");
        requireNonNull(engines, "engines is null");
        requireNonNull(ffmpeg, "ffmpeg is null");
        requireNonNull(deadlines, "deadlines is null");
        if (name.isBlank() || name.length() > 128) {
            throw new IllegalArgumentException("name must be 1-128 characters");
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("slots must be between 1 and 256 but was " + slots);
        }
    }

    /**
     * @param orchestrator the orchestrator's address, {@code host:port}; or several orchestrators
     *     on one database, {@code host:port,host:port}, tried in that order (a node fails over to
     *     the next when the one it uses goes away)
     * @param farmToken the secret the orchestrator expects
     * @param trustedCertificates PEM CA certificates for TLS; plain text when empty
     * @param clientCertificate the node's own certificate and key, presented when the
     *     orchestrator asks for one (mutual TLS, {@code flatrender certs node}); read again when
     *     the files change
     * @param minBackoff the first reconnect delay
     * @param maxBackoff the largest reconnect delay
     */
    public record Connection(
            String orchestrator,
            String farmToken,
            Optional<Path> trustedCertificates,
            Optional<CertificateFiles> clientCertificate,
            Duration minBackoff,
            Duration maxBackoff) {
        public Connection {
            requireNonNull(orchestrator, "orchestrator is null");
            requireNonNull(farmToken, "farmToken is null");
            requireNonNull(trustedCertificates, "trustedCertificates is null");
            requireNonNull(clientCertificate, "clientCertificate is null");
            if (clientCertificate.isPresent() && trustedCertificates.isEmpty()) {
                throw new IllegalArgumentException("a client certificate needs TLS: give the CA certificates too");
            }
            requireNonNull(minBackoff, "minBackoff is null");
            requireNonNull(maxBackoff, "maxBackoff is null");
            if (!OrchestratorAddresses.isValid(orchestrator)) {
                throw new IllegalArgumentException("orchestrator must be host:port, or several separated by commas,"
                        + " but was '" + orchestrator + "'");
            }
            if (farmToken.isEmpty()) {
                throw new IllegalArgumentException("a farm token is required");
            }
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 < min ≤ max");
            }
        }

        /** The token is left out: this is logged. */
        @Override
        public String toString() {
            return "Connection[" + orchestrator + ", tls=" + trustedCertificates.isPresent() + ", clientCertificate="
                    + clientCertificate.isPresent() + ", backoff=" + minBackoff
                    + "-" + maxBackoff + "]";
        }
    }

    /**
     * @param directory where template packages are kept
     * @param budget how many bytes of unpacked packages the cache keeps
     */
    public record Cache(Path directory, DataSize budget) {
        public Cache {
            requireNonNull(directory, "directory is null");
            requireNonNull(budget, "budget is null");
            if (budget.toBytes() < 1) {
                throw new IllegalArgumentException("the cache budget must be positive but was " + budget);
            }
        }
    }

    /**
     * @param chunk the longest a chunk may take before its encoder is killed
     * @param noProgress the longest a chunk may go without a new frame
     * @param upload the longest a segment upload may take
     */
    public record Deadlines(Duration chunk, Duration noProgress, Duration upload) {
        public Deadlines {
            requireNonNull(chunk, "chunk is null");
            requireNonNull(noProgress, "noProgress is null");
            requireNonNull(upload, "upload is null");
            if (noProgress.isNegative() || noProgress.isZero()) {
                throw new IllegalArgumentException("the no-progress timeout must be positive but was " + noProgress);
            }
        }
    }

    /** One slot, a 10 GiB cache, timeline only, bundled ffmpeg, 30 min per chunk, 60 s without a frame, backoff 0.5-15 s. */
    public static NodeConfig defaults(String orchestrator, String farmToken, String name, Path directory) {
        return builder(orchestrator, farmToken, name, directory).build();
    }

    /** A builder holding the defaults, with {@code work} and {@code cache} under {@code directory}. */
    public static Builder builder(String orchestrator, String farmToken, String name, Path directory) {
        return new Builder(orchestrator, farmToken, name)
                .workDirectory(directory.resolve("work"))
                .cacheDirectory(directory.resolve("cache"));
    }

    public Builder toBuilder() {
        return new Builder(connection.orchestrator(), connection.farmToken(), name)
                .slots(slots)
                .trustedCertificates(connection.trustedCertificates())
                .clientCertificate(connection.clientCertificate())
                .backoff(connection.minBackoff(), connection.maxBackoff())
                .workDirectory(workDirectory)
                .cacheDirectory(cache.directory())
                .cacheBudget(cache.budget())
                .engines(engines)
                .ffmpeg(ffmpeg)
                .chunkDeadline(deadlines.chunk())
                .noProgressTimeout(deadlines.noProgress())
                .uploadDeadline(deadlines.upload());
    }

    @Override
    public String toString() {
        return "NodeConfig[" + name + " → " + connection.orchestrator() + ", slots=" + slots + ", work=" + workDirectory
                + ", cache=" + cache.directory() + "]";
    }

    /** Starts from the defaults; {@link #build} validates. Not thread-safe. */
    public static final class Builder {
        private final String orchestrator;
        private final String farmToken;
        private final String name;
        private int slots = 1;
        private Optional<Path> trustedCertificates = Optional.empty();
        private Optional<CertificateFiles> clientCertificate = Optional.empty();
        private Duration minBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(15);
        private Path workDirectory;
        private Path cacheDirectory;
        private DataSize cacheBudget = DEFAULT_CACHE_BUDGET;
        private EngineSettings engines = EngineSettings.timelineOnly();
        private Optional<Path> ffmpeg = Optional.empty();
        private Duration chunkDeadline = Duration.ofMinutes(30);
        private Duration noProgressTimeout = Duration.ofSeconds(60);
        private Duration uploadDeadline = Duration.ofMinutes(10);

        private Builder(String orchestrator, String farmToken, String name) {
            this.orchestrator = orchestrator;
            this.farmToken = farmToken;
            this.name = name;
        }

        public Builder slots(int newSlots) {
            this.slots = newSlots;
            return this;
        }

        public Builder trustedCertificates(Optional<Path> certificates) {
            this.trustedCertificates = certificates;
            return this;
        }

        /** The node's own certificate and key for mutual TLS. */
        public Builder clientCertificate(Optional<CertificateFiles> certificate) {
            this.clientCertificate = certificate;
            return this;
        }

        public Builder backoff(Duration min, Duration max) {
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        public Builder workDirectory(Path directory) {
            this.workDirectory = directory;
            return this;
        }

        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        public Builder cacheBudget(DataSize budget) {
            this.cacheBudget = budget;
            return this;
        }

        public Builder engines(EngineSettings newEngines) {
            this.engines = newEngines;
            return this;
        }

        public Builder ffmpeg(Optional<Path> program) {
            this.ffmpeg = program;
            return this;
        }

        public Builder chunkDeadline(Duration deadline) {
            this.chunkDeadline = deadline;
            return this;
        }

        public Builder noProgressTimeout(Duration timeout) {
            this.noProgressTimeout = timeout;
            return this;
        }

        public Builder uploadDeadline(Duration deadline) {
            this.uploadDeadline = deadline;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(
                    name,
                    slots,
                    new Connection(
                            orchestrator, farmToken, trustedCertificates, clientCertificate, minBackoff, maxBackoff),
                    workDirectory,
                    new Cache(cacheDirectory, cacheBudget),
                    engines,
                    ffmpeg,
                    new Deadlines(chunkDeadline, noProgressTimeout, uploadDeadline));
        }
    }
}
