package ir.flatrender.orchestrator;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.server.FarmToken;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything an orchestrator needs to start. Made by {@link #builder}, which starts from the
 * defaults ({@code OrchestratorConfigTest} pins them), or changed with {@link #toBuilder}.
 *
 * @param listen where gRPC is served, and with which certificate
 * @param storage where blobs live and how much of them the snapshot cache keeps
 * @param farmToken the secret nodes and clients present
 * @param limits the largest uploads taken
 * @param jobs defaults for jobs that do not say otherwise
 * @param scheduler leases, heartbeats and dispatch
 * @param health how node health samples are kept, and when nodes are quarantined
 * @param verifySegments decode every uploaded segment before its chunk counts as done
 * @param installSamples install the bundled sample templates at start
 * @param assemblyThreads jobs assembled at once; 0 for an orchestrator that only schedules
 *     (another on the same database assembles)
 */
public record OrchestratorConfig(
        Listen listen,
        Storage storage,
        String farmToken,
        Limits limits,
        JobsConfig jobs,
        SchedulerConfig scheduler,
        HealthConfig health,
        boolean verifySegments,
        boolean installSamples,
        int assemblyThreads) {
    public static final int DEFAULT_PORT = 7600;

    public OrchestratorConfig {
        requireNonNull(listen, "listen is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(farmToken, "farmToken is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(jobs, "jobs is null");
        requireNonNull(scheduler, "scheduler is null");
        requireNonNull(health, "health is null");
        if (farmToken.length() < FarmToken.MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "the farm token must be at least " + FarmToken.MIN_LENGTH + " characters");
        }
        if (assemblyThreads < 0 || assemblyThreads > 64) {
            throw new IllegalArgumentException("assemblyThreads must be between 0 and 64 but was " + assemblyThreads);
        }
    }

    /**
     * The address gRPC is served on.
     *
     * @param host the address to listen on
     * @param port the port; 0 picks a free one
     * @param tls certificate and key files; plain-text gRPC when empty
     */
    public record Listen(String host, int port, Optional<Tls> tls) {
        public Listen {
            requireNonNull(host, "host is null");
            requireNonNull(tls, "tls is null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
            }
        }
    }

    /**
     * The server's TLS. The files are read again when they change (a renewal needs no restart).
     *
     * @param certificateChain the server's PEM certificate chain
     * @param privateKey its PEM private key
     * @param clientCertificates mutual TLS: PEM CA certificates every client's certificate must be
     *     signed by (and a node's must name the node); when empty, no client certificate is asked for
     */
    public record Tls(Path certificateChain, Path privateKey, Optional<Path> clientCertificates) {
        public Tls {
            requireNonNull(certificateChain, "certificateChain is null");
            requireNonNull(privateKey, "privateKey is null");
            requireNonNull(clientCertificates, "clientCertificates is null");
        }

        /** TLS without client certificates. */
        public Tls(Path certificateChain, Path privateKey) {
            this(certificateChain, privateKey, Optional.empty());
        }

        /** Whether every client must present a certificate. */
        public boolean mutual() {
            return clientCertificates.isPresent();
        }
    }

    /**
     * @param dataDirectory where scratch files live, and blobs (packages, segments, exports) when
     *     there is no object store
     * @param snapshotCacheSize the snapshot cache's budget; the least recently used go first
     * @param objectStore the S3-compatible store that keeps the blobs instead, shared by every
     *     orchestrator of the farm
     */
    public record Storage(
            Path dataDirectory,
            DataSize snapshotCacheSize,
            Optional<ir.flatrender.orchestrator.storage.S3Settings> objectStore) {
        public Storage {
            requireNonNull(dataDirectory, "dataDirectory is null");
            requireNonNull(snapshotCacheSize, "snapshotCacheSize is null");
            requireNonNull(objectStore, "objectStore is null");
        }
    }

    /**
     * @param maxPackageSize the largest template package accepted
     * @param maxSegmentSize the largest segment upload accepted
     */
    public record Limits(DataSize maxPackageSize, DataSize maxSegmentSize) {
        private static final DataSize LEAST = DataSize.ofKibibytes(1);

        public Limits {
            requireNonNull(maxPackageSize, "maxPackageSize is null");
            requireNonNull(maxSegmentSize, "maxSegmentSize is null");
            if (maxPackageSize.isLessThan(LEAST)) {
                throw new IllegalArgumentException("maxPackageSize must be at least 1KiB but was " + maxPackageSize);
            }
            if (maxSegmentSize.isLessThan(LEAST)) {
                throw new IllegalArgumentException("maxSegmentSize must be at least 1KiB but was " + maxSegmentSize);
            }
        }
    }

    /** Loopback on the default port, default jobs and scheduling, samples installed. */
    public static OrchestratorConfig defaults(Path dataDirectory, String farmToken) {
        return builder(dataDirectory, farmToken).build();
    }

    /** A builder holding the defaults; each setter changes one of them. */
    public static Builder builder(Path dataDirectory, String farmToken) {
        return new Builder(dataDirectory, farmToken);
    }

    public Builder toBuilder() {
        return new Builder(storage.dataDirectory(), farmToken)
                .listen(listen.host(), listen.port())
                .tls(listen.tls())
                .snapshotCacheSize(storage.snapshotCacheSize())
                .maxPackageSize(limits.maxPackageSize())
                .maxSegmentSize(limits.maxSegmentSize())
                .jobs(jobs)
                .scheduler(scheduler)
                .health(health)
                .verifySegments(verifySegments)
                .installSamples(installSamples)
                .assemblyThreads(assemblyThreads);
    }

    /** The farm token is left out: this is logged. */
    @Override
    public String toString() {
        return "OrchestratorConfig[" + listen.host() + ":" + listen.port() + ", data=" + storage.dataDirectory()
                + ", tls=" + listen.tls().isPresent() + ", jobs=" + jobs + ", scheduler=" + scheduler + "]";
    }

    /** Starts from the defaults; {@link #build} validates. Not thread-safe. */
    public static final class Builder {
        private final Path dataDirectory;
        private final String farmToken;
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Optional<Tls> tls = Optional.empty();
        private DataSize snapshotCacheSize = DataSize.ofMebibytes(256);
        private Optional<ir.flatrender.orchestrator.storage.S3Settings> objectStore = Optional.empty();
        private DataSize maxPackageSize = DataSize.ofMebibytes(512);
        private DataSize maxSegmentSize = DataSize.ofGibibytes(2);
        private JobsConfig jobs = JobsConfig.defaults();
        private SchedulerConfig scheduler = SchedulerConfig.defaults();
        private HealthConfig health = HealthConfig.defaults();
        private boolean verifySegments = true;
        private boolean installSamples = true;
        private int assemblyThreads = 1;

        private Builder(Path dataDirectory, String farmToken) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
            this.farmToken = requireNonNull(farmToken, "farmToken is null");
        }

        public Builder listen(String newHost, int newPort) {
            this.host = newHost;
            this.port = newPort;
            return this;
        }

        public Builder tls(Optional<Tls> newTls) {
            this.tls = newTls;
            return this;
        }

        /** Keeps blobs in an S3-compatible object store rather than under the data directory. */
        public Builder objectStore(Optional<ir.flatrender.orchestrator.storage.S3Settings> store) {
            this.objectStore = requireNonNull(store, "store is null");
            return this;
        }

        public Builder snapshotCacheSize(DataSize size) {
            this.snapshotCacheSize = size;
            return this;
        }

        public Builder maxPackageSize(DataSize size) {
            this.maxPackageSize = size;
            return this;
        }

        public Builder maxSegmentSize(DataSize size) {
            this.maxSegmentSize = size;
            return this;
        }

        public Builder jobs(JobsConfig newJobs) {
            this.jobs = newJobs;
            return this;
        }

        public Builder scheduler(SchedulerConfig newScheduler) {
            this.scheduler = newScheduler;
            return this;
        }

        public Builder health(HealthConfig newHealth) {
            this.health = newHealth;
            return this;
        }

        public Builder verifySegments(boolean verify) {
            this.verifySegments = verify;
            return this;
        }

        public Builder installSamples(boolean install) {
            this.installSamples = install;
            return this;
        }

        public Builder assemblyThreads(int threads) {
            this.assemblyThreads = threads;
            return this;
        }

        public OrchestratorConfig build() {
            return new OrchestratorConfig(
                    new Listen(host, port, tls),
                    new Storage(dataDirectory, snapshotCacheSize, objectStore),
                    farmToken,
                    new Limits(maxPackageSize, maxSegmentSize),
                    jobs,
                    scheduler,
                    health,
                    verifySegments,
                    installSamples,
                    assemblyThreads);
        }
    }
}
