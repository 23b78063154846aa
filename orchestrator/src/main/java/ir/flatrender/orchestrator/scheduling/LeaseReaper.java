package ir.flatrender.orchestrator.scheduling;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import ir.flatrender.orchestrator.failures.FailureKind;
import ir.flatrender.orchestrator.jobs.AssemblyDao;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkCompletion;
import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobTransitions;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import ir.flatrender.orchestrator.nodes.NodeRegistry;
import ir.flatrender.orchestrator.nodes.NodeSession;
import ir.flatrender.orchestrator.nodes.RestartGrace;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes work back from nodes that went quiet: closes the stream of a node silent past the
 * lease timeout, and fails (as {@code lease_expired}, on record and counted) every chunk
 * attempt whose lease ran out (which also covers nodes of an orchestrator that died).
 *
 * <p>Leases that ran out while no orchestrator was there are not reaped at once: a freshly
 * started orchestrator gives the farm's nodes one lease period to come back (the {@link
 * RestartGrace}, written into the leases, so that another orchestrator on the database waits for
 * it too), and one more from each return of a node while they are still coming back. A node back
 * within the grace that lists its attempt keeps it if it is still current on that node; what no
 * node claimed by the end of the grace is reaped here as {@code lease_expired}. Outside a grace
 * an orchestrator, however long it has been up, reaps every lease that ran out, those of the
 * nodes of an orchestrator that died included.
 *
 * <p>Every few seconds it also sweeps for jobs left between
 * states: all chunks done but never moved to assembling (the database went away in between),
 * and jobs waiting to be assembled that no live orchestrator holds (one died mid-assembly).
 */
public final class LeaseReaper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final ChunkCompletion completion;
    private final Attempts attempts;
    private final SchedulerConfig config;
    private final RestartGrace grace;
    private static final String[] ALL_DONE_FROM =
            JobState.dbNames(JobTransitions.from(JobTransitions.Event.ALL_CHUNKS_DONE));
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(5);

    private final ScheduledExecutorService timer;
    private final UUID orchestratorId;

    public LeaseReaper(
            Jdbi jdbi,
            NodeRegistry registry,
            ChunkCompletion completion,
            Attempts attempts,
            SchedulerConfig config,
            RestartGrace grace,
            UUID orchestratorId) {
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.completion = requireNonNull(completion, "completion is null");
        this.attempts = requireNonNull(attempts, "attempts is null");
        this.config = requireNonNull(config, "config is null");
        this.grace = requireNonNull(grace, "grace is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lease-reaper");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        long period = Math.max(100, config.heartbeatInterval().toMillis());
        timer.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sweep, 0, SWEEP_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            for (UUID job : jdbi.withExtension(AssemblyDao.class, dao -> dao.doneButNotAssembling(ALL_DONE_FROM))) {
                log.info("job {}: every chunk is done; assembling it", job);
                completion.allChunksDone(job);
            }
            for (UUID job : jdbi.withExtension(AssemblyDao.class, dao -> dao.unassembledJobs(orchestratorId))) {
                completion.assemble(job);
            }
        } catch (RuntimeException e) {
            log.warn("job sweep failed; will retry: {}", e.toString());
        }
    }

    void reap() {
        try {
            long now = System.nanoTime();
            for (NodeSession session : registry.sessions()) {
                if (session.silentNanos(now) > config.leaseTimeout().toNanos()) {
                    log.warn(
                            "node {} silent for over {}s; closing its stream",
                            session.name(),
                            config.leaseTimeout().toSeconds());
                    session.close(Status.UNAVAILABLE.withDescription("no heartbeat within the lease timeout"));
                }
            }
            // Before looking: nodes still coming back after a restart keep the others' work.
            grace.extend();
            List<ChunkLease> expired = jdbi.withExtension(LeaseDao.class, dao -> dao.expiredLeases(OUT_ON_NODE));
            // Each a failed attempt on record; the update is fenced (attempt, state, lease still
            // run out), so two orchestrators reaping at once record it once.
            attempts.lost(
                    expired,
                    FailureKind.LEASE_EXPIRED,
                    "no heartbeat listed the attempt within the lease timeout ("
                            + config.leaseTimeout().toSeconds() + " s)");
        } catch (RuntimeException e) {
            log.warn("lease check failed; will retry: {}", e.toString());
        }
    }

    @Override
    public void close() {
        // The round in progress ends first (or is interrupted after a while): once closed, this
        // orchestrator's reaper fails nothing more, such as what a restarted one's grace keeps.
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
