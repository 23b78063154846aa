package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restart grace: what a freshly started orchestrator owes the attempts that were out on
 * nodes when it started (handed out by an orchestrator that died, or this one before a restart).
 * Their nodes could not renew those leases while no orchestrator was there, and they need time
 * to come back (their reconnect backoff, gRPC's connect backoff, hundreds of hellos), so:
 *
 * <ul>
 *   <li>At start, before the reaper first looks, every such attempt gets a lease of at least one
 *       lease period from now. The grace is written into the leases themselves, so another
 *       orchestrator on the same database, which may have been up for long, waits for it too;
 *       outside a grace every orchestrator reaps every lease that ran out, as before (the nodes of
 *       an orchestrator that died and did not come back lose theirs one lease after it died).
 *   <li>The grace lasts one lease period <em>after the last of those nodes came back</em>: while
 *       the farm's nodes are still reconnecting, each first return of a node that held such
 *       attempts gives the attempts of the nodes not back yet one more lease period from then. It
 *       ends a lease period after the last such return (at once, in effect, when all are back),
 *       and {@value #MAX_LEASES} lease periods after the start at the latest (nodes another
 *       orchestrator serves never come back here); then what no node claimed runs out and the
 *       reaper fails it as {@code lease_expired}.
 *   <li>A node that comes back within the grace and lists its attempt keeps it if it is still
 *       current on that node (adopted, its lease renewed: {@link LeaseDao#adoptChunk}, fenced by
 *       attempt, node and state). One it does not list is a lost attempt ({@code node_lost}),
 *       except an assignment the node never listed (no heartbeat listing it was renewed, no hello
 *       adopted it: {@code frame_jobs.listed_at} is null): that one may have died with the
 *       orchestrator before it reached the node, so it is taken back without a failure
 *       ({@link LeaseDao#returnChunk}: pending again, its attempt number spent and on record,
 *       never reused, so the fencing holds), rather than charged to a node that may never have
 *       seen it. What the node listed is on record, not guessed from when its heartbeats were
 *       renewed: a renewal waits behind a loaded database for any length of time.
 * </ul>
 *
 * Thread-safe: hellos arrive on many sessions' executors, extensions on the reaper's thread.
 */
public final class RestartGrace {
    private static final Logger log = LoggerFactory.getLogger(RestartGrace.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));

    private final Jdbi jdbi;
    private final LeaseTimings timings;
    /** Nodes that held attempts at start and have not come back yet. */
    private final Set<UUID> awaited = ConcurrentHashMap.newKeySet();
    /** Attempts out at the start that their nodes never listed. */
    private final Set<ChunkLease> unheard = ConcurrentHashMap.newKeySet();
    /** Whether a node came back since the last extension. */
    private final AtomicBoolean cameBack = new AtomicBoolean();
    /** Until when (System.nanoTime) the grace lasts; extended by returns. */
    private volatile long endsAt;
    /** However nodes trickle back, the grace ends this many lease periods after the start. */
    static final int MAX_LEASES = 4;

    private volatile long latestEnd;

    public RestartGrace(Jdbi jdbi, LeaseTimings timings) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.timings = requireNonNull(timings, "timings is null");
    }

    /**
     * At start, before the reaper: gives every attempt out on a node at least one more lease and
     * notes which nodes the grace waits for. Answers how many attempts that was.
     */
    public int begin() {
        double leaseSeconds = seconds();
        // Every node with attempts out, those another orchestrator still serves too (they never
        // come back here, so the grace runs to its cap when there is one: a bounded wait).
        List<ChunkLease> out = jdbi.withExtension(LeaseDao.class, dao -> dao.nodeChunksAll(OUT_ON_NODE));
        out.forEach(lease -> awaited.add(lease.nodeId()));
        unheard.addAll(jdbi.withExtension(LeaseDao.class, dao -> dao.unheardAssignments(OUT_ON_NODE)));
        int graced = jdbi.withExtension(LeaseDao.class, dao -> dao.graceLeases(OUT_ON_NODE, leaseSeconds));
        long now = System.nanoTime();
        endsAt = now + timings.leaseTimeout().toNanos();
        latestEnd = now + MAX_LEASES * timings.leaseTimeout().toNanos();
        return graced;
    }

    /** Whether the grace still runs. */
    public boolean running() {
        long now = System.nanoTime();
        return !awaited.isEmpty() && now < endsAt && now < latestEnd;
    }

    /**
     * A node said hello and its current attempts were adopted; {@code unlisted} are the attempts
     * the database has on it that it did not list. Takes back without a failure, on record with
     * {@code reason}, those that may never have reached it, and answers them; the rest are lost
     * attempts.
     */
    public List<ChunkLease> cameBack(UUID nodeId, List<ChunkLease> unlisted, String reason) {
        boolean wasAwaited = running() && awaited.remove(nodeId);
        if (!wasAwaited) {
            return List.of();
        }
        cameBack.set(true);
        List<ChunkLease> unreached = new ArrayList<>();
        for (ChunkLease lease : unlisted) {
            if (unheard.remove(lease)
                    && jdbi.withExtension(
                                    LeaseDao.class,
                                    dao -> dao.returnChunk(lease.id(), lease.attempt(), OUT_ON_NODE, reason, true))
                            == 1) {
                unreached.add(lease);
            }
        }
        return unreached;
    }

    /**
     * On the reaper's schedule: when nodes came back since the last call and the grace still
     * runs, the attempts of the nodes not back yet get one more lease period from now.
     */
    public void extend() {
        if (!running() || !cameBack.getAndSet(false)) {
            return;
        }
        UUID[] nodes = awaited.toArray(UUID[]::new);
        int extended;
        try {
            extended = jdbi.withExtension(LeaseDao.class, dao -> dao.graceNodeLeases(nodes, OUT_ON_NODE, seconds()));
        } catch (RuntimeException e) {
            cameBack.set(true); // tried again on the reaper's next round
            throw e;
        }
        endsAt = System.nanoTime() + timings.leaseTimeout().toNanos();
        log.info(
                "restart grace: nodes are still coming back; {} attempt(s) of {} node(s) not back yet kept one more lease",
                extended,
                nodes.length);
    }

    private double seconds() {
        return timings.leaseTimeout().toMillis() / 1000.0;
    }
}
