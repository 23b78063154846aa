package ir.flatrender.node;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a render node needs to start.
 *
 * @param orchestrator the orchestrator's address, {@code host:port}; or several orchestrators on
 *     one database, {@code host:port,host:port}, tried in that order (a node fails over to the
 *     next when the one it uses goes away)
 * @param farmToken the secret the orchestrator expects
 * @param trustedCertificates PEM CA certificates for TLS; plain text when empty
 * @param name the node's name, unique in the farm
 * @param slots chunks rendered at once
 * @param workDirectory scratch space for segments
 * @param cacheDirectory where template packages are kept
 * @param cacheBudgetBytes how many bytes of unpacked packages the cache keeps
 * @param engines where the engines' programs are
 * @param ffmpeg an ffmpeg program to use instead of the bundled one
 * @param chunkDeadline the longest a chunk may take before its encoder is killed
 * @param noProgressTimeout the longest a chunk may go without a new frame
 * @param uploadDeadline the longest a segment upload may take
 * @param minBackoff the first reconnect delay
 * @param maxBackoff the largest reconnect delay
 */
public record NodeConfig(
        String orchestrator,
        String farmToken,
        Optional<Path> trustedCertificates,
        String name,
        int slots,
        Path workDirectory,
        Path cacheDirectory,
        long cacheBudgetBytes,
        ir.flatrender.node.engines.EngineSettings engines,
        Optional<Path> ffmpeg,
        Duration chunkDeadline,
        Duration noProgressTimeout,
        Duration uploadDeadline,
        Duration minBackoff,
        Duration maxBackoff) {
    public NodeConfig {
        requireNonNull(orchestrator, "orchestrator is null");
        requireNonNull(farmToken, "farmToken is null");
        requireNonNull(trustedCertificates, "trustedCertificates is null");
        requireNonNull(name, "name is null");
        requireNonNull(workDirectory, "workDirectory is null");
        requireNonNull(cacheDirectory, "cacheDirectory is null");
        requireNonNull(engines, "engines is null");
        if (cacheBudgetBytes < 1) {
            throw new IllegalArgumentException("cacheBudgetBytes must be positive");
        }
        requireNonNull(ffmpeg, "ffmpeg is null");
        requireNonNull(chunkDeadline, "chunkDeadline is null");
        requireNonNull(noProgressTimeout, "noProgressTimeout is null");
        requireNonNull(uploadDeadline, "uploadDeadline is null");
        requireNonNull(minBackoff, "minBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (!ir.flatrender.node.control.OrchestratorAddresses.isValid(orchestrator)) {
            throw new IllegalArgumentException(
                    "orchestrator must be host:port, or several separated by commas, but was '" + orchestrator + "'");
        }
        if (farmToken.isEmpty()) {
            throw new IllegalArgumentException("a farm token is required");
        }
        if (name.isBlank() || name.length() > 128) {
            throw new IllegalArgumentException("name must be 1-128 characters");
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("slots must be between 1 and 256 but was " + slots);
        }
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 < min ≤ max");
        }
        if (noProgressTimeout.isNegative() || noProgressTimeout.isZero()) {
            throw new IllegalArgumentException("noProgressTimeout must be positive");
        }
    }

    public static final long DEFAULT_CACHE_BUDGET = 10L * 1024 * 1024 * 1024;

    /** One slot, a 10 GiB cache, timeline only, bundled ffmpeg, 30 min per chunk, 60 s without a frame, backoff 0.5-15 s. */
    public static NodeConfig defaults(String orchestrator, String farmToken, String name, Path directory) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                Optional.empty(),
                name,
                1,
                directory.resolve("work"),
                directory.resolve("cache"),
                DEFAULT_CACHE_BUDGET,
                ir.flatrender.node.engines.EngineSettings.timelineOnly(),
                Optional.empty(),
                Duration.ofMinutes(30),
                Duration.ofSeconds(60),
                Duration.ofMinutes(10),
                Duration.ofMillis(500),
                Duration.ofSeconds(15));
    }

    public NodeConfig withSlots(int newSlots) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                trustedCertificates,
                name,
                newSlots,
                workDirectory,
                cacheDirectory,
                cacheBudgetBytes,
                engines,
                ffmpeg,
                chunkDeadline,
                noProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    public NodeConfig withTls(Optional<Path> newTrustedCertificates) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                newTrustedCertificates,
                name,
                slots,
                workDirectory,
                cacheDirectory,
                cacheBudgetBytes,
                engines,
                ffmpeg,
                chunkDeadline,
                noProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    public NodeConfig withFfmpeg(Optional<Path> newFfmpeg) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                trustedCertificates,
                name,
                slots,
                workDirectory,
                cacheDirectory,
                cacheBudgetBytes,
                engines,
                newFfmpeg,
                chunkDeadline,
                noProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    public NodeConfig withCache(long budgetBytes) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                trustedCertificates,
                name,
                slots,
                workDirectory,
                cacheDirectory,
                budgetBytes,
                engines,
                ffmpeg,
                chunkDeadline,
                noProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    public NodeConfig withNoProgressTimeout(Duration newNoProgressTimeout) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                trustedCertificates,
                name,
                slots,
                workDirectory,
                cacheDirectory,
                cacheBudgetBytes,
                engines,
                ffmpeg,
                chunkDeadline,
                newNoProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    public NodeConfig withEngines(ir.flatrender.node.engines.EngineSettings newEngines) {
        return new NodeConfig(
                orchestrator,
                farmToken,
                trustedCertificates,
                name,
                slots,
                workDirectory,
                cacheDirectory,
                cacheBudgetBytes,
                newEngines,
                ffmpeg,
                chunkDeadline,
                noProgressTimeout,
                uploadDeadline,
                minBackoff,
                maxBackoff);
    }

    @Override
    public String toString() {
        return "NodeConfig[" + name + " → " + orchestrator + ", slots=" + slots + ", work=" + workDirectory + ", cache="
                + cacheDirectory + "]";
    }
}
