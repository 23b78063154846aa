package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import ir.flatrender.orchestrator.jobs.AssemblyDao;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembly leases this orchestrator holds, so that of several orchestrators on one database
 * one assembles a job: a job is taken ({@link AssemblyDao#claimAssembly}) only when no live lease of
 * another holds it, and the leases of the jobs queued or assembling here are renewed every third
 * of {@link #ASSEMBLY_LEASE}. An orchestrator that dies stops renewing; its jobs' leases run out
 * and the lease reaper's sweep hands them to another.
 */
final class AssemblyLeases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssemblyLeases.class);
    /** How long an orchestrator holds a job's assembly without renewing it (renewed every third). */
    static final Duration ASSEMBLY_LEASE = Duration.ofSeconds(30);

    private final Jdbi jdbi;
    private final UUID orchestratorId;
    /** Jobs this orchestrator is assembling or has queued to; their assembly leases are renewed. */
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService timer;

    AssemblyLeases(Jdbi jdbi, UUID orchestratorId) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("assembly-leases")
                .setDaemon(true)
                .build());
        long renew = ASSEMBLY_LEASE.toMillis() / 3;
        timer.scheduleWithFixedDelay(this::renew, renew, renew, TimeUnit.MILLISECONDS);
    }

    /** Marks a job as queued here; false when it already is. */
    boolean hold(UUID jobId) {
        return held.add(jobId);
    }

    /** The job is no longer queued or assembling here. */
    void drop(UUID jobId) {
        held.remove(jobId);
    }

    /** Takes the job's assembly lease; false while another orchestrator's live lease holds it. */
    boolean claim(UUID jobId) {
        return jdbi.withExtension(
                        AssemblyDao.class,
                        dao -> dao.claimAssembly(jobId, orchestratorId, ASSEMBLY_LEASE.toMillis() / 1000.0))
                == 1;
    }

    private void renew() {
        if (held.isEmpty()) {
            return;
        }
        try {
            jdbi.useExtension(
                    AssemblyDao.class,
                    dao -> dao.renewAssemblies(
                            held.toArray(UUID[]::new), orchestratorId, ASSEMBLY_LEASE.toMillis() / 1000.0));
        } catch (RuntimeException e) {
            log.warn("could not renew assembly leases; retrying: {}", e.toString());
        }
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
