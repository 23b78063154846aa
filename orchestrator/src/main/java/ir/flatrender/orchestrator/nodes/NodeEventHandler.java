package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.health.HealthHistory;
import ir.flatrender.orchestrator.health.NodeSample;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.ChunkFinished;
import ir.flatrender.proto.farm.v1.ChunkProgress;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkStarted;
import ir.flatrender.proto.farm.v1.FailureKind;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Leaving;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles what nodes report on their control streams once they said hello ({@link
 * NodeHandshake}): heartbeats, their chunks' progress and ends, the stream closing. Called on each session's serial
 * executor (heartbeats on their own pool), never on a gRPC thread, so database work here
 * never holds up a stream.
 */
public final class NodeEventHandler {
    private static final Logger log = LoggerFactory.getLogger(NodeEventHandler.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final DomainEvents farmEvents;
    private final Attempts attempts;
    private final UUID orchestratorId;
    private volatile boolean shuttingDown;
    private final HealthHistory health;

    public NodeEventHandler(
            Jdbi jdbi,
            NodeRegistry registry,
            DomainEvents farmEvents,
            Attempts attempts,
            UUID orchestratorId,
            HealthHistory health) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.farmEvents = requireNonNull(farmEvents, "farmEvents is null");
        this.attempts = requireNonNull(attempts, "attempts is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.health = requireNonNull(health, "health is null");
    }

    /**
     * On the heartbeat pool: keeps the heartbeat for the next lease renewal ({@link
     * LeaseRenewals}, which renews every connected node's leases together and answers the node)
     * and keeps its resource sample.
     */
    void onHeartbeat(NodeSession session, Heartbeat heartbeat) {
        NodeSession.Identity node = session.identity();
        if (node == null || session.isClosed()) {
            return;
        }
        session.offerHeartbeat(heartbeat);
        health.record(node.nodeId(), sampleOf(heartbeat));
    }

    /**
     * The node began an attempt. The claim already recorded it as running (a node starts what it
     * receives), so this writes nothing: it only notes the attempt's progress (none yet) in memory,
     * which tells the job's watchers.
     */
    void onStarted(NodeSession session, ChunkStarted started) {
        fenced(session, started.getChunk())
                .ifPresent(chunk -> farmEvents.publish(
                        new FarmEvent.ChunkProgressed(chunk.jobId(), chunk.chunkId(), chunk.attempt(), 0)));
    }

    void onProgress(NodeSession session, ChunkProgress report) {
        fenced(session, report.getChunk()).ifPresent(chunk -> {
            farmEvents.publish(new FarmEvent.ChunkProgressed(
                    chunk.jobId(), chunk.chunkId(), chunk.attempt(), report.getFramesDone()));
        });
    }

    void onFinished(NodeSession session, ChunkFinished finished) {
        ChunkRef ref = finished.getChunk();
        Optional<UUID> chunkId = uuid(ref.getChunkId());
        NodeSession.Identity node = session.identity();
        if (chunkId.isEmpty() || node == null) {
            return;
        }
        // Informational: the segment upload already completed the chunk. Only the node that
        // rendered the attempt may say how long it took.
        jdbi.withExtension(
                        LeaseDao.class,
                        dao -> dao.recordRenderTime(
                                chunkId.get(), ref.getAttempt(), node.nodeId(), finished.getRenderMillis()))
                .ifPresent(
                        engine -> farmEvents.publish(new FarmEvent.ChunkRendered(engine, finished.getRenderMillis())));
    }

    void onFailed(NodeSession session, ChunkFailed failed) {
        Optional<Fenced> chunk = fenced(session, failed.getChunk());
        if (chunk.isEmpty()) {
            return;
        }
        // The orchestrator takes an attempt back before it tells the node to stop it, so a
        // cancelled report about an attempt still current here is the node's own doing: a return
        // only once it said it is leaving; otherwise a failure on record (a node could else
        // retry a chunk for ever, never failing it).
        boolean returned = failed.getKind() == FailureKind.FAILURE_KIND_CANCELLED && session.isLeaving();
        boolean unasked = failed.getKind() == FailureKind.FAILURE_KIND_CANCELLED && !returned;
        // Counted like a node lost with the attempt (toward the attempt limit and quarantine),
        // never as the job's fault: the same message from two nodes says nothing of the job.
        ChunkFailure failure = new ChunkFailure(
                unasked ? ir.flatrender.orchestrator.failures.FailureKind.NODE_LOST : kindOf(failed.getKind()),
                unasked
                        ? "the node stopped the attempt unasked, without saying it was leaving (reported cancelled: "
                                + failed.getMessage() + ")"
                        : failed.getMessage(),
                failed.getExitCode() >= 0 ? OptionalInt.of(failed.getExitCode()) : OptionalInt.empty(),
                failed.getLogTail());
        String reason = returned ? "given back by the leaving node (" + failed.getMessage() + ")" : failure.reason();
        MDC.put("chunk", chunk.get().chunkId().toString());
        try {
            log.warn(
                    "node {} failed chunk {} attempt {}: {}{}",
                    session.name(),
                    chunk.get().chunkId(),
                    chunk.get().attempt(),
                    reason,
                    failed.getLogTail().isEmpty() ? "" : "\n" + failed.getLogTail());
        } finally {
            MDC.remove("chunk");
        }
        boolean applied = returned
                ? attempts.returned(
                        chunk.get().chunkId(),
                        chunk.get().jobId(),
                        session.identity().nodeId(),
                        chunk.get().attempt(),
                        reason)
                : attempts.failed(chunk.get().chunkId(), chunk.get().attempt(), failure);
        if (!applied) {
            // The chunk had already moved on; just free the slot the node reported.
            session.release(chunk.get().chunkId(), chunk.get().attempt());
            farmEvents.publish(new FarmEvent.CapacityChanged());
        }
    }

    /**
     * The node said it is going away (it is shutting down): it gets no new work; the attempts it
     * stops and reports cancelled, and those it still holds when its stream ends, go back to
     * pending without a failure counted.
     */
    void onLeaving(NodeSession session, Leaving leaving) {
        if (session.identity() == null || session.isLeaving()) {
            return;
        }
        session.markLeaving();
        log.info(
                "node {} is leaving ({}); it gets no new work",
                session.name(),
                leaving.getReason().isBlank() ? "no reason given" : leaving.getReason());
        farmEvents.publish(new FarmEvent.CapacityChanged());
    }

    /**
     * The stream ended: every chunk the node held goes back to pending, unless this
     * orchestrator is shutting down, when the chunks keep their leases so that the node,
     * reconnecting to this orchestrator restarted or to another, keeps its work.
     */
    void onClosed(NodeSession session, String why) {
        session.markClosed();
        registry.release(session);
        NodeSession.Identity node = session.identity();
        if (node == null || !registry.remove(session)) {
            return;
        }
        log.info("node {} disconnected: {}", node.name(), why);
        health.forget(node.nodeId());
        if (!shuttingDown) {
            takeBack(session, "node " + node.name() + " disconnected: " + why);
        }
        jdbi.useExtension(NodeDao.class, dao -> dao.disconnected(node.nodeId(), orchestratorId));
    }

    /** From now on, streams that end keep their chunks' leases (see {@link #onClosed}). */
    public void shutdown() {
        shuttingDown = true;
    }

    /**
     * The node's stream ended while it ran chunks: each attempt it held is lost, and on record;
     * given back, not counted, when the node had said it was leaving.
     */
    private void takeBack(NodeSession session, String reason) {
        NodeSession.Identity node = session.identity();
        if (session.isLeaving()) {
            releaseAll(session);
            takeBackFrom(node.nodeId(), reason + " (it had said it was leaving)");
            return;
        }
        List<ChunkLease> lost = jdbi.withExtension(LeaseDao.class, dao -> dao.nodeChunks(node.nodeId(), OUT_ON_NODE));
        releaseAll(session);
        attempts.lost(lost, ir.flatrender.orchestrator.failures.FailureKind.NODE_LOST, reason);
    }

    private static void releaseAll(NodeSession session) {
        for (var held : session.inFlight().entrySet()) {
            session.release(held.getKey(), held.getValue());
        }
    }

    /**
     * Takes back everything a node connected here runs, and tells it to stop (the node was
     * disabled): its chunks go back to pending, not counted as failures.
     */
    public void stopAll(NodeSession session, String reason) {
        NodeSession.Identity node = session.identity();
        List<ChunkLease> lost =
                jdbi.withExtension(LeaseDao.class, dao -> dao.returnNodeChunks(node.nodeId(), OUT_ON_NODE, reason));
        attempts.takenBack(lost, reason);
        // Attempts the database no longer had on it (taken back through another orchestrator).
        for (var held : session.inFlight().entrySet()) {
            if (session.release(held.getKey(), held.getValue())) {
                session.stop(held.getKey(), held.getValue(), null, reason);
            }
        }
        farmEvents.publish(new FarmEvent.CapacityChanged());
    }

    /** Takes back, in the database, the chunks out on a node not connected here. */
    public void takeBackFrom(UUID nodeId, String reason) {
        List<ChunkLease> lost =
                jdbi.withExtension(LeaseDao.class, dao -> dao.returnNodeChunks(nodeId, OUT_ON_NODE, reason));
        attempts.takenBack(lost, reason);
    }

    /** A chunk reference from a node, when it names the attempt this session holds. */
    private record Fenced(UUID chunkId, long attempt, UUID jobId) {}

    private static Optional<Fenced> fenced(NodeSession session, ChunkRef ref) {
        Optional<UUID> chunkId = uuid(ref.getChunkId());
        Optional<UUID> jobId = uuid(ref.getJobId());
        if (chunkId.isEmpty() || jobId.isEmpty() || !session.holds(chunkId.get(), ref.getAttempt())) {
            log.debug(
                    "node {}: ignoring message about stale chunk attempt {}/{}",
                    session.name(),
                    ref.getChunkId(),
                    ref.getAttempt());
            return Optional.empty();
        }
        return Optional.of(new Fenced(chunkId.get(), ref.getAttempt(), jobId.get()));
    }

    static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The heartbeat's resource sample, its unmeasured fields (zero, or a negative load average) as null. */
    static NodeSample sampleOf(Heartbeat heartbeat) {
        ResourceSample sample = heartbeat.getResources();
        return new NodeSample(
                sample.getCpuLoad(),
                sample.getLoadAverage() < 0 ? null : sample.getLoadAverage(),
                sample.getMemoryUsedBytes() == 0 ? null : sample.getMemoryUsedBytes(),
                sample.getMemoryTotalBytes() == 0 ? null : sample.getMemoryTotalBytes(),
                sample.getDiskFreeBytes() == 0 ? null : sample.getDiskFreeBytes(),
                sample.getGpuPresent() ? sample.getGpuLoad() : null,
                sample.getGpuPresent() ? sample.getGpuMemoryUsedBytes() : null,
                heartbeat.getRunningCount());
    }

    /** The wire's failure kind as the farm's; one it does not know (a newer node's) counts as a crash. */
    static ir.flatrender.orchestrator.failures.FailureKind kindOf(FailureKind wire) {
        return switch (wire) {
            case FAILURE_KIND_HANG -> ir.flatrender.orchestrator.failures.FailureKind.HANG;
            case FAILURE_KIND_LAUNCH_FAILURE -> ir.flatrender.orchestrator.failures.FailureKind.LAUNCH_FAILURE;
            case FAILURE_KIND_BAD_OUTPUT -> ir.flatrender.orchestrator.failures.FailureKind.BAD_OUTPUT;
            case FAILURE_KIND_OUT_OF_MEMORY -> ir.flatrender.orchestrator.failures.FailureKind.OUT_OF_MEMORY;
            case FAILURE_KIND_TEMPLATE_FETCH -> ir.flatrender.orchestrator.failures.FailureKind.TEMPLATE_FETCH;
            case FAILURE_KIND_UPLOAD -> ir.flatrender.orchestrator.failures.FailureKind.UPLOAD;
            case FAILURE_KIND_CRASH, FAILURE_KIND_CANCELLED, FAILURE_KIND_UNSPECIFIED, UNRECOGNIZED ->
                ir.flatrender.orchestrator.failures.FailureKind.CRASH;
        };
    }
}
