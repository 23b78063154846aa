package ir.flatrender.tools.options;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.jobs.EncoderSettings;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How the orchestrator schedules and encodes; shared by orchestrator, dev and demo. */
public final class OrchestratorOptions {
    @Option(
            names = "--chunk-frames",
            defaultValue = "0",
            description = "Most frames per chunk for jobs that do not say; 0 (the default) chooses from the"
                    + " farm's free slots when a job comes: 2 chunks a slot, 30 to 300 frames a chunk.")
    int chunkFrames;

    @Option(
            names = "--max-attempts",
            defaultValue = "3",
            description = "Attempts per chunk before a job fails (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(
            names = "--lease-timeout",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "How long a silent node keeps its chunks (default: ${DEFAULT-VALUE}).")
    Duration leaseTimeout;

    @Option(
            names = "--heartbeat-interval",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "How often nodes heartbeat (default: ${DEFAULT-VALUE}).")
    Duration heartbeatInterval;

    @Option(
            names = "--retry-elsewhere-window",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long a failed chunk waits for another node before the one that failed it may retry it "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration retryElsewhere;

    @Option(
            names = "--health-sample-interval",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How often a node's resource sample is kept in the health history (default: ${DEFAULT-VALUE}).")
    Duration healthSampleInterval;

    @Option(
            names = "--health-retention",
            defaultValue = "90d",
            converter = DurationConverter.class,
            description = "How long the health history is kept; older months are dropped (default: ${DEFAULT-VALUE}).")
    Duration healthRetention;

    @Option(
            names = "--x264-preset",
            defaultValue = "veryfast",
            description = "x264 preset of the segments (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--crf",
            defaultValue = "18",
            description =
                    "x264 quality, lower is better (default: ${DEFAULT-VALUE}); 360p and 480p are encoded 6 lower.")
    int crf;

    @Option(
            names = "--max-package-size",
            defaultValue = "512m",
            converter = SizeConverter.class,
            description = "Refuse template packages larger than this, unpacked (default: ${DEFAULT-VALUE}).")
    DataSize maxPackageSize;

    @Option(
            names = "--snapshot-cache-size",
            defaultValue = "256m",
            converter = SizeConverter.class,
            description = "Bytes of preview stills kept; the least recently used go first (default: ${DEFAULT-VALUE}).")
    DataSize snapshotCacheSize;

    @Option(names = "--tls-cert", description = "PEM certificate chain; serves TLS with --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--tls-client-ca",
            description = "Mutual TLS: PEM CA certificates (the farm's ca.pem from `flatrender certs init`) every"
                    + " client's certificate must be signed by; a node's must name the node. Needs --tls-cert."
                    + " Certificate files are read again when they change.")
    Path tlsClientCa;

    @Option(names = "--no-samples", description = "Do not install the bundled sample templates.")
    boolean noSamples;

    /** Sets what these options say on {@code builder}, and answers it. */
    public OrchestratorConfig.Builder apply(OrchestratorConfig.Builder builder) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS)");
        }
        EncoderSettings defaults = EncoderSettings.DEFAULT;
        return builder.jobs(new JobsConfig(
                        chunkFrames,
                        maxAttempts,
                        new EncoderSettings(
                                defaults.codec(),
                                preset,
                                crf,
                                defaults.pixelFormat(),
                                defaults.container(),
                                defaults.profile())))
                .scheduler(new SchedulerConfig(
                        leaseTimeout,
                        heartbeatInterval,
                        Duration.ofSeconds(1),
                        SchedulerConfig.defaults().affinityWindow(),
                        retryElsewhere))
                .tls(
                        tlsCert == null
                                ? Optional.empty()
                                : Optional.of(
                                        new OrchestratorConfig.Tls(tlsCert, tlsKey, Optional.ofNullable(tlsClientCa))))
                .installSamples(!noSamples)
                .maxPackageSize(maxPackageSize)
                .snapshotCacheSize(snapshotCacheSize)
                .health(new HealthConfig(
                        healthSampleInterval,
                        healthRetention,
                        HealthConfig.defaults().monthsAhead()));
    }
}
