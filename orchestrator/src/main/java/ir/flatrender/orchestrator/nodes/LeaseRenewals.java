package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.LeaseRenewal;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.RenewedLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every node connected here in one transaction a few times per heartbeat
 * interval, instead of one transaction per heartbeat: a heartbeat is kept on its session ({@link
 * NodeSession#offerHeartbeat}) and the next renewal takes the latest of each node, renews the
 * attempts they list (fenced: attempt, node and state, as one heartbeat's renewal was) and notes
 * the nodes as seen. Only once that has committed is each node answered with its leases'
 * expiries, so a node is never told a lease lasts longer than the database says; an attempt
 * missing from the answer is no longer the node's.
 *
 * <p>A heartbeat waits at most one renewal period (a quarter of the heartbeat interval) for its
 * renewal, so the lease, whose timeout is at least three heartbeat intervals, keeps its margin.
 * When a renewal fails (the database briefly away) the heartbeats go back to their sessions and
 * the next period tries again.
 */
public final class LeaseRenewals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewals.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final LeaseTimings timings;
    private final ScheduledExecutorService timer;

    public LeaseRenewals(Jdbi jdbi, NodeRegistry registry, LeaseTimings timings) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.timings = requireNonNull(timings, "timings is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lease-renewals");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** How often the heartbeats that arrived are renewed together. */
    public static Duration period(LeaseTimings timings) {
        return Duration.ofMillis(Math.max(10, timings.heartbeatInterval().toMillis() / 4));
    }

    public void start() {
        long period = period(timings).toMillis();
        timer.scheduleWithFixedDelay(this::renewSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private void renewSafely() {
        try {
            renewPending();
        } catch (RuntimeException | Error e) {
            // Never let one failure end the schedule: every lease on the farm would run out.
            log.warn("lease renewal failed; will retry: {}", e.toString());
        }
    }

    /** One heartbeat taken from its session, to be answered there. */
    private record Pending(NodeSession session, UUID nodeId, Heartbeat heartbeat) {}

    /**
     * Renews the leases that the heartbeats which arrived since the last renewal list, in one
     * transaction, and answers each of those nodes; answers how many heartbeats it renewed.
     */
    public int renewPending() {
        List<Pending> pending = new ArrayList<>();
        for (NodeSession session : registry.sessions()) {
            NodeSession.Identity node = session.identity();
            if (node == null || session.isClosed()) {
                continue;
            }
            Heartbeat heartbeat = session.takeHeartbeat();
            if (heartbeat != null) {
                pending.add(new Pending(session, node.nodeId(), heartbeat));
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        List<UUID> nodes = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<Long> attempts = new ArrayList<>();
        for (Pending one : pending) {
            for (ChunkRef ref : one.heartbeat().getRunningList()) {
                NodeEventHandler.uuid(ref.getChunkId()).ifPresent(id -> {
                    nodes.add(one.nodeId());
                    ids.add(id);
                    attempts.add(ref.getAttempt());
                });
            }
        }
        double leaseSeconds = timings.leaseTimeout().toMillis() / 1000.0;
        List<LeaseDao.RenewedLease> renewed;
        try {
            renewed = jdbi.inTransaction(handle -> {
                List<LeaseDao.RenewedLease> leases = handle.attach(LeaseDao.class)
                        .renewLeases(
                                nodes.toArray(UUID[]::new),
                                ids.toArray(UUID[]::new),
                                attempts.stream().mapToLong(Long::longValue).toArray(),
                                OUT_ON_NODE,
                                leaseSeconds);
                handle.attach(NodeDao.class)
                        .touchAll(pending.stream().map(Pending::nodeId).toArray(UUID[]::new));
                return leases;
            });
        } catch (RuntimeException e) {
            pending.forEach(one -> one.session().restoreHeartbeat(one.heartbeat()));
            throw e;
        }
        Map<UUID, List<LeaseDao.RenewedLease>> byNode = new HashMap<>();
        renewed.forEach(lease ->
                byNode.computeIfAbsent(lease.nodeId(), n -> new ArrayList<>()).add(lease));
        for (Pending one : pending) {
            one.session().send(answer(one.heartbeat(), byNode.getOrDefault(one.nodeId(), List.of())));
        }
        return pending.size();
    }

    /** The node learns until when each attempt is its own (and, by omission, which are not). */
    private static NodeCommand answer(Heartbeat heartbeat, List<LeaseDao.RenewedLease> renewed) {
        Map<String, String> jobOf = new LinkedHashMap<>();
        heartbeat.getRunningList().forEach(ref -> jobOf.put(ref.getChunkId(), ref.getJobId()));
        LeaseRenewal.Builder answer = LeaseRenewal.newBuilder();
        for (LeaseDao.RenewedLease lease : renewed) {
            answer.addLeases(RenewedLease.newBuilder()
                    .setChunk(ChunkRef.newBuilder()
                            .setChunkId(lease.id().toString())
                            .setAttempt(lease.attempt())
                            .setJobId(jobOf.getOrDefault(lease.id().toString(), "")))
                    .setLeaseExpiresAtUnixMillis(lease.leaseExpiresAt().toEpochMilli()));
        }
        return NodeCommand.newBuilder().setLeaseRenewal(answer).build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
