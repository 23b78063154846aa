package ir.flatrender.orchestrator;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything an orchestrator needs to start.
 *
 * @param host the address to listen on
 * @param port the port; 0 picks a free one
 * @param dataDirectory where blobs (packages, segments, exports) and scratch files live
 * @param farmToken the secret nodes and clients present
 * @param tls certificate and key files; plain-text gRPC when empty
 * @param maxPackageBytes the largest template package accepted
 * @param maxSegmentBytes the largest segment upload accepted
 * @param verifySegments decode every uploaded segment before its chunk counts as done
 * @param installSamples install the bundled sample templates at start
 * @param assemblyThreads jobs assembled at once; 0 for an orchestrator that only schedules
 *     (another on the same database assembles)
 * @param snapshotCacheBytes the snapshot cache's budget; the least recently used go first
 * @param health how node health samples are kept
 */
public record OrchestratorConfig(
        String host,
        int port,
        Path dataDirectory,
        String farmToken,
        Optional<Tls> tls,
        JobsConfig jobs,
        SchedulerConfig scheduler,
        long maxPackageBytes,
        long maxSegmentBytes,
        boolean verifySegments,
        boolean installSamples,
        int assemblyThreads,
        long snapshotCacheBytes,
        HealthConfig health) {
    public static final int DEFAULT_PORT = 7600;

    /** PEM certificate chain and private key for the server. */
    public record Tls(Path certificateChain, Path privateKey) {
        public Tls {
            requireNonNull(certificateChain, "certificateChain is null");
            requireNonNull(privateKey, "privateKey is null");
        }
    }

    public OrchestratorConfig {
        requireNonNull(host, "host is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(farmToken, "farmToken is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(jobs, "jobs is null");
        requireNonNull(scheduler, "scheduler is null");
        requireNonNull(health, "health is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
        }
        if (farmToken.length() < ir.flatrender.orchestrator.server.FarmToken.MIN_LENGTH) {
            throw new IllegalArgumentException("the farm token must be at least "
                    + ir.flatrender.orchestrator.server.FarmToken.MIN_LENGTH + " characters");
        }
        if (maxPackageBytes < 1024) {
            throw new IllegalArgumentException("maxPackageBytes must be at least 1 KiB");
        }
        if (maxSegmentBytes < 1024) {
            throw new IllegalArgumentException("maxSegmentBytes must be at least 1 KiB");
        }
        if (snapshotCacheBytes < 0) {
            throw new IllegalArgumentException("snapshotCacheBytes must not be negative");
        }
        if (assemblyThreads < 0 || assemblyThreads > 64) {
            throw new IllegalArgumentException("assemblyThreads must be between 0 and 64 but was " + assemblyThreads);
        }
    }

    /** Loopback on the default port, default jobs and scheduling, samples installed. */
    public static OrchestratorConfig defaults(Path dataDirectory, String farmToken) {
        return new OrchestratorConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                dataDirectory,
                farmToken,
                Optional.empty(),
                JobsConfig.defaults(),
                SchedulerConfig.defaults(),
                512L * 1024 * 1024,
                2L * 1024 * 1024 * 1024,
                true,
                true,
                1,
                256L * 1024 * 1024,
                HealthConfig.defaults());
    }

    public OrchestratorConfig withListen(String newHost, int newPort) {
        return new OrchestratorConfig(
                newHost,
                newPort,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withTls(Optional<Tls> newTls) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                newTls,
                jobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withJobs(JobsConfig newJobs) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                newJobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withScheduler(SchedulerConfig newScheduler) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                newScheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withInstallSamples(boolean install) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                install,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withMaxPackageBytes(long bytes) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                scheduler,
                bytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                health);
    }

    public OrchestratorConfig withSnapshotCacheBytes(long bytes) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                bytes,
                health);
    }

    public OrchestratorConfig withHealth(HealthConfig newHealth) {
        return new OrchestratorConfig(
                host,
                port,
                dataDirectory,
                farmToken,
                tls,
                jobs,
                scheduler,
                maxPackageBytes,
                maxSegmentBytes,
                verifySegments,
                installSamples,
                assemblyThreads,
                snapshotCacheBytes,
                newHealth);
    }

    @Override
    public String toString() {
        return "OrchestratorConfig[" + host + ":" + port + ", data=" + dataDirectory + ", tls=" + tls.isPresent()
                + ", jobs=" + jobs + ", scheduler=" + scheduler + "]";
    }
}
