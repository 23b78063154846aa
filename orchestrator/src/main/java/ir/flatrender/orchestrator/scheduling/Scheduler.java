package ir.flatrender.orchestrator.scheduling;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ClaimDao;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobTransitions;
import ir.flatrender.orchestrator.metrics.FarmMetrics;
import ir.flatrender.orchestrator.nodes.NodeRegistry;
import ir.flatrender.orchestrator.nodes.NodeSession;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches free node slots with pending chunks. One thread runs dispatch rounds whenever it is
 * woken (work submitted or requeued, slots freed, a node connected); each round claims, per
 * node with free slots, up to that many chunks in one short statement ({@code FOR UPDATE SKIP
 * LOCKED}), so several orchestrators can share a database without handing a chunk out twice.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final String[] QUEUED = JobState.dbNames(JobTransitions.from(JobTransitions.Event.CHUNK_DISPATCHED));

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final JobCache jobs;
    private final JobEvents events;
    private final SchedulerConfig config;
    private final FarmMetrics metrics;
    private final Object signal = new Object();
    private final Thread thread;
    /** Bumped whenever work may have been added; engine sets found empty before it are retried. */
    private final AtomicLong workGeneration = new AtomicLong();

    /** Engine sets with no pending chunk at all, as of a work generation. */
    private final Map<Skills, Long> exhausted = new HashMap<>();
    /** Nodes that found nothing they may take (blocked jobs, chunks they just failed), as of a generation. */
    private final Map<UUID, Long> exhaustedNodes = new HashMap<>();

    private boolean woken;
    private volatile boolean closed;

    public Scheduler(
            Jdbi jdbi,
            NodeRegistry registry,
            JobCache jobs,
            JobEvents events,
            SchedulerConfig config,
            FarmMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.events = requireNonNull(events, "events is null");
        this.config = requireNonNull(config, "config is null");
        this.thread = new Thread(this::loop, "scheduler");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Runs a dispatch round whenever work is added or capacity changes. */
    public void subscribeTo(DomainEvents events) {
        events.subscribe(FarmEvent.WorkAdded.class, event -> wake(true));
        events.subscribe(FarmEvent.CapacityChanged.class, event -> wake(false));
    }

    /**
     * Asks for a dispatch round.
     *
     * @param workAdded whether chunks may have become pending (not only slots freed)
     */
    public void wake(boolean workAdded) {
        if (workAdded) {
            workGeneration.incrementAndGet();
        }
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (!closed) {
            boolean timedOut;
            synchronized (signal) {
                if (!woken) {
                    try {
                        signal.wait(config.idleRecheck().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                timedOut = !woken;
                woken = false;
            }
            if (timedOut) {
                // Work may have arrived through another orchestrator; look again.
                workGeneration.incrementAndGet();
            }
            try {
                while (!closed && dispatchRound()) {
                    // Keep going while rounds hand out work and slots remain.
                }
            } catch (RuntimeException e) {
                log.warn("dispatch round failed; retrying shortly: {}", e.toString());
                pause();
            }
        }
    }

    /** What decides which chunks a node may claim: its engines and their capabilities. */
    private record Skills(Set<String> engines, Set<String> capabilities) {
        static Skills of(NodeSession.Identity node) {
            return new Skills(node.engines(), node.capabilities());
        }
    }

    /** Returns whether anything was dispatched. */
    boolean dispatchRound() {
        long generation = workGeneration.get();
        boolean dispatched = false;
        List<NodeSession> sessions = registry.sessions().stream()
                .filter(s -> s.freeSlots() > 0 || s.healthCheckSlots() > 0)
                .sorted(Comparator.comparingInt(NodeSession::busySlots))
                .toList();
        Set<UUID> startedJobs = new LinkedHashSet<>();
        double leaseSeconds = config.leaseTimeout().toMillis() / 1000.0;
        dispatched |= claimForMany(sessions, generation, leaseSeconds, startedJobs);
        for (NodeSession session : sessions) {
            NodeSession.Identity node = session.identity();
            if (node == null) {
                continue;
            }
            int checks = session.healthCheckSlots();
            if (checks > 0) {
                // A quarantined node takes its own health-check render and nothing else.
                List<ChunkRow> claimed = jdbi.withExtension(
                        ClaimDao.class,
                        dao -> dao.claimHealthCheck(
                                node.nodeId(), node.engines().toArray(String[]::new), checks, leaseSeconds));
                dispatched |= send(session, claimed, startedJobs);
                continue;
            }
            int free = session.freeSlots();
            if (free == 0) {
                continue;
            }
            Long emptyAt = exhausted.get(Skills.of(node));
            Long nodeEmptyAt = exhaustedNodes.get(node.nodeId());
            if ((emptyAt != null && emptyAt == generation) || (nodeEmptyAt != null && nodeEmptyAt == generation)) {
                continue;
            }
            Set<String> cached = session.cachedPackages();
            double retryElsewhereSeconds = config.retryElsewhereWindow().toMillis() / 1000.0;
            String[] engines = node.engines().toArray(String[]::new);
            String[] capabilities = node.capabilities().toArray(String[]::new);
            // Nodes holding no template take the plain, index-ordered claim.
            List<ChunkRow> claimed = jdbi.withExtension(
                    ClaimDao.class,
                    dao -> cached.isEmpty()
                            ? dao.claimChunks(
                                    node.nodeId(), engines, capabilities, free, leaseSeconds, retryElsewhereSeconds)
                            : dao.claimChunksPreferring(
                                    node.nodeId(),
                                    engines,
                                    capabilities,
                                    cached.toArray(String[]::new),
                                    free,
                                    leaseSeconds,
                                    config.affinityWindow().toMillis() / 1000.0,
                                    retryElsewhereSeconds));
            if (claimed.size() < free) {
                // An idle slot waits for work, not for the scheduler: that is no dispatch delay.
                session.takeFreedWait();
                // Nothing more for this node; for every node with its engines only if nothing
                // is pending at all (what is left may be for other nodes).
                if (jdbi.withExtension(ClaimDao.class, dao -> dao.anyPending(engines, capabilities))) {
                    exhaustedNodes.put(node.nodeId(), generation);
                } else {
                    exhausted.put(Skills.of(node), generation);
                }
            }
            dispatched |= send(session, claimed, startedJobs);
        }
        if (!startedJobs.isEmpty()) {
            jdbi.useExtension(
                    ClaimDao.class,
                    dao -> dao.markStarted(startedJobs.toArray(UUID[]::new), QUEUED, JobState.RUNNING.dbName()));
            startedJobs.forEach(events::publish);
        }
        return dispatched;
    }

    /** Nodes with free slots and no cached template, of one engine set, claimed for in one statement. */
    static final int BATCH_AT = 8;

    /**
     * Many free nodes with the same engines and no template cache to prefer claim together, in
     * one statement, instead of one each: at farm scale the round is otherwise one statement
     * per node. Chunks with a failure on record are left to the per-node claims.
     */
    private boolean claimForMany(
            List<NodeSession> sessions, long generation, double leaseSeconds, Set<UUID> startedJobs) {
        Map<Skills, List<NodeSession>> groups = new HashMap<>();
        for (NodeSession session : sessions) {
            NodeSession.Identity node = session.identity();
            if (node != null
                    && session.freeSlots() > 0
                    && session.cachedPackages().isEmpty()) {
                Long emptyAt = exhausted.get(Skills.of(node));
                if (emptyAt == null || emptyAt != generation) {
                    groups.computeIfAbsent(Skills.of(node), e -> new java.util.ArrayList<>())
                            .add(session);
                }
            }
        }
        boolean dispatched = false;
        for (Map.Entry<Skills, List<NodeSession>> group : groups.entrySet()) {
            if (group.getValue().size() < BATCH_AT) {
                continue;
            }
            List<UUID> slots = new java.util.ArrayList<>();
            Map<UUID, NodeSession> byNode = new HashMap<>();
            for (NodeSession session : group.getValue()) {
                byNode.put(session.identity().nodeId(), session);
                for (int i = 0; i < session.freeSlots(); i++) {
                    slots.add(session.identity().nodeId());
                }
            }
            List<ChunkRow> claimed = jdbi.withExtension(
                    ClaimDao.class,
                    dao -> dao.claimChunksForMany(
                            slots.toArray(UUID[]::new),
                            group.getKey().engines().toArray(String[]::new),
                            group.getKey().capabilities().toArray(String[]::new),
                            leaseSeconds));
            Map<UUID, List<ChunkRow>> perNode = new HashMap<>();
            claimed.forEach(chunk -> perNode.computeIfAbsent(chunk.nodeId(), n -> new java.util.ArrayList<>())
                    .add(chunk));
            perNode.forEach((nodeId, chunks) -> send(byNode.get(nodeId), chunks, startedJobs));
            dispatched |= !claimed.isEmpty();
        }
        return dispatched;
    }

    /** Sends claimed chunks to their node; answers whether there were any. */
    private boolean send(NodeSession session, List<ChunkRow> claimed, Set<UUID> startedJobs) {
        NodeSession.Identity node = session.identity();
        for (ChunkRow chunk : claimed) {
            JobRow job = jobs.get(chunk.jobId());
            session.reserve(chunk.id(), chunk.attempt());
            boolean sent = session.assign(job, chunk);
            if (sent) {
                startedJobs.add(job.id());
                metrics.dispatched(job.engine());
                long waited = session.takeFreedWait();
                if (waited >= 0) {
                    metrics.slotWaited(waited);
                }
                log.debug(
                        "chunk {} attempt {} of job {} → node {}", chunk.id(), chunk.attempt(), job.id(), node.name());
            } else {
                session.release(chunk.id(), chunk.attempt());
                jdbi.useExtension(ClaimDao.class, dao -> dao.unclaimChunk(chunk.id(), chunk.attempt()));
                workGeneration.incrementAndGet();
            }
        }
        return !claimed.isEmpty();
    }

    private void pause() {
        synchronized (signal) {
            try {
                signal.wait(TimeUnit.MILLISECONDS.toMillis(250));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        wake(false);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
