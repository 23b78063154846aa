package ir.flatrender.orchestrator.health;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the nodes' resource samples in {@code render.node_health_logs}: one sample a node
 * every {@link HealthConfig#sampleInterval()} (heartbeats come more often), and the table's
 * monthly partitions made ahead and dropped past the retention, at start and every few hours.
 * The latest heartbeat's sample of each node whose stream this orchestrator holds is kept in
 * memory too ({@link #latest}), fresher than the history's.
 */
public final class HealthHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthHistory.class);
    private static final Duration MAINTENANCE_PERIOD = Duration.ofHours(6);

    private final Jdbi jdbi;
    private final HealthConfig config;
    private final Clock clock;
    private final Map<UUID, Instant> lastSample = new ConcurrentHashMap<>();
    /** Each connected node's latest heartbeat sample, kept or not (a node's stream is held by one orchestrator). */
    private final Map<UUID, Recorded> latest = new ConcurrentHashMap<>();

    private final ScheduledExecutorService timer;

    public HealthHistory(Jdbi jdbi, HealthConfig config, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "health-partitions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Looks after the partitions now, then every few hours. */
    public void start() {
        maintain();
        timer.scheduleWithFixedDelay(
                this::maintain, MAINTENANCE_PERIOD.toMinutes(), MAINTENANCE_PERIOD.toMinutes(), TimeUnit.MINUTES);
    }

    /** Makes the coming months' partitions and drops those past the retention. */
    public void maintain() {
        try {
            int made = jdbi.withExtension(HealthDao.class, dao -> dao.ensurePartitions(config.monthsAhead()));
            List<String> dropped = jdbi.withExtension(
                    HealthDao.class,
                    dao -> dao.dropPartitionsBefore(clock.instant().minus(config.retention())));
            if (made > 0 || !dropped.isEmpty()) {
                log.info("node health history: {} partition(s) made ahead, dropped {}", made, dropped);
            }
        } catch (RuntimeException e) {
            log.warn("could not look after the node health partitions; will try again: {}", e.toString());
        }
    }

    /** A heartbeat arrived: its sample is kept when the node's last one is old enough. */
    public void record(UUID nodeId, NodeSample sample) {
        Instant now = clock.instant();
        latest.put(nodeId, new Recorded(sample, now));
        Instant last = lastSample.get(nodeId);
        if (last != null && Duration.between(last, now).compareTo(config.sampleInterval()) < 0) {
            return;
        }
        lastSample.put(nodeId, now);
        jdbi.useExtension(
                HealthDao.class,
                dao -> dao.insert(
                        nodeId,
                        sample.cpuLoad(),
                        sample.loadAverage(),
                        sample.memoryUsedBytes(),
                        sample.memoryTotalBytes(),
                        sample.diskFreeBytes(),
                        sample.gpuLoad(),
                        sample.gpuMemoryUsedBytes(),
                        sample.running()));
    }

    /** A node left: its next connection samples at once. */
    public void forget(UUID nodeId) {
        lastSample.remove(nodeId);
        latest.remove(nodeId);
    }

    /** A sample and when it was taken. */
    public record Recorded(NodeSample sample, Instant at) {}

    /** The latest heartbeat's sample of a node connected here; empty for one that is not. */
    public Optional<Recorded> latest(UUID nodeId) {
        return Optional.ofNullable(latest.get(nodeId));
    }

    /**
     * The latest sample of each node: the last heartbeat's where this orchestrator holds its
     * stream, else the newest row of the history (a node connected elsewhere, or gone). A node
     * that never sent one is not in the answer.
     */
    public Map<UUID, Recorded> latest(Collection<UUID> nodeIds) {
        if (nodeIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Recorded> found = new HashMap<>();
        List<HealthDao.Row> rows = jdbi.withExtension(HealthDao.class, dao -> dao.newest(nodeIds.toArray(UUID[]::new)));
        rows.forEach(row -> found.put(row.nodeId(), new Recorded(row.sample(), row.recordedAt())));
        for (UUID id : nodeIds) {
            Recorded here = latest.get(id);
            if (here != null) {
                found.merge(id, here, (stored, live) -> live.at().isBefore(stored.at()) ? stored : live);
            }
        }
        return found;
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
