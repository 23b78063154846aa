package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import ir.flatrender.proto.farm.v1.NodeCommand;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's control stream. Commands go through a bounded queue drained only while the
 * stream is ready, on the session's own serial executor, so no gRPC callback ever blocks and
 * the stream sees one writer. The session also counts the node's busy slots.
 */
public final class NodeSession {
    private static final Logger log = LoggerFactory.getLogger(NodeSession.class);
    /** Commands waiting for the stream; far more than any node's slots, so only a stuck node fills it. */
    private static final int MAX_QUEUED = 1024;

    private final ServerCallStreamObserver<NodeCommand> stream;
    private final Executor serial;
    private final ConcurrentLinkedQueue<NodeCommand> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<UUID, Long> inFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong freedAtNanos = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile Identity identity;
    private volatile NodeState state = NodeState.ONLINE;
    private volatile Set<String> cachedPackages = Set.of();
    private volatile boolean closed;
    private volatile boolean leaving;
    private volatile java.util.function.Consumer<String> closeListener = reason -> {};
    /** The node's latest heartbeat whose leases are not renewed yet (see {@link LeaseRenewals}). */
    private final java.util.concurrent.atomic.AtomicReference<ir.flatrender.proto.farm.v1.Heartbeat> unrenewed =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Who the node is, known once its hello is accepted.
     *
     * @param capabilities what its engines can do beyond their names ({@code webgl}): a chunk
     *     that requires one goes only to a node that has it
     */
    public record Identity(UUID nodeId, String name, Set<String> engines, Set<String> capabilities, int slots) {
        public Identity {
            requireNonNull(nodeId, "nodeId is null");
            requireNonNull(name, "name is null");
            engines = Set.copyOf(engines);
            capabilities = Set.copyOf(capabilities);
        }
    }

    private final java.util.Optional<ir.flatrender.orchestrator.server.Caller> caller;
    private final java.util.Optional<String> certificateName;

    /**
     * @param caller who opened the stream, as its credential proves (empty only outside a server)
     * @param certificateName the CN of the client's TLS certificate, under mutual TLS
     */
    NodeSession(
            ServerCallStreamObserver<NodeCommand> stream,
            Executor serial,
            java.util.Optional<ir.flatrender.orchestrator.server.Caller> caller,
            java.util.Optional<String> certificateName) {
        this.stream = requireNonNull(stream, "stream is null");
        this.serial = requireNonNull(serial, "serial is null");
        this.caller = requireNonNull(caller, "caller is null");
        this.certificateName = requireNonNull(certificateName, "certificateName is null");
    }

    /** The name the client's TLS certificate gives (mutual TLS); empty without one. */
    public java.util.Optional<String> certificateName() {
        return certificateName;
    }

    /** Who opened the stream: an enrolled node's credential, or the operator's farm token. */
    public java.util.Optional<ir.flatrender.orchestrator.server.Caller> caller() {
        return caller;
    }

    /** Called (on the serial executor) when this side ends the stream. */
    void onClose(java.util.function.Consumer<String> listener) {
        this.closeListener = requireNonNull(listener, "listener is null");
    }

    /** The session's serial executor: node events are handled here, in arrival order. */
    public Executor serial() {
        return serial;
    }

    void activate(Identity newIdentity, NodeState newState) {
        this.identity = requireNonNull(newIdentity, "newIdentity is null");
        this.state = requireNonNull(newState, "newState is null");
    }

    /** Null until the hello was accepted. */
    public Identity identity() {
        return identity;
    }

    public NodeState state() {
        return state;
    }

    public void setState(NodeState newState) {
        this.state = requireNonNull(newState, "newState is null");
    }

    /** The template packages (render sha256) the node last reported holding. */
    public Set<String> cachedPackages() {
        return cachedPackages;
    }

    void setCachedPackages(Set<String> packages) {
        this.cachedPackages = Set.copyOf(packages);
    }

    public boolean isClosed() {
        return closed;
    }

    /** The node said it is going away: no new work, and what it stops or leaves held is returned. */
    void markLeaving() {
        leaving = true;
    }

    public boolean isLeaving() {
        return leaving;
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** Keeps a heartbeat for the next lease renewal; a newer one replaces one not renewed yet. */
    void offerHeartbeat(ir.flatrender.proto.farm.v1.Heartbeat heartbeat) {
        unrenewed.set(requireNonNull(heartbeat, "heartbeat is null"));
    }

    /** The heartbeat waiting for its leases to be renewed, taken; null when none came since the last. */
    ir.flatrender.proto.farm.v1.Heartbeat takeHeartbeat() {
        return unrenewed.getAndSet(null);
    }

    /** Puts back a heartbeat whose renewal failed, unless a newer one arrived meanwhile. */
    void restoreHeartbeat(ir.flatrender.proto.farm.v1.Heartbeat heartbeat) {
        unrenewed.compareAndSet(null, heartbeat);
    }

    public long silentNanos(long nowNanos) {
        return nowNanos - lastHeardNanos;
    }

    /** Slots free for new chunks: none while the node is not taking work or not yet known. */
    public int freeSlots() {
        Identity known = identity;
        if (known == null || closed || leaving || !state.takesWork()) {
            return 0;
        }
        return Math.max(0, known.slots() - inFlight.size());
    }

    /** Slots free for a quarantined node's health-check render (and nothing else). */
    public int healthCheckSlots() {
        Identity known = identity;
        if (known == null || closed || leaving || state != NodeState.QUARANTINED) {
            return 0;
        }
        return Math.max(0, known.slots() - inFlight.size());
    }

    public int busySlots() {
        return inFlight.size();
    }

    /** Counts a chunk attempt against the node's slots. */
    public void reserve(UUID chunkId, long attempt) {
        inFlight.put(chunkId, attempt);
    }

    /** Frees the slot of a chunk attempt; false when that attempt was not held here. */
    public boolean release(UUID chunkId, long attempt) {
        boolean released = inFlight.remove(chunkId, attempt);
        if (released) {
            freedAtNanos.compareAndSet(0, System.nanoTime());
        }
        return released;
    }

    /**
     * How long ago a slot freed that has not been handed work since, in nanoseconds, and
     * forgets it; -1 when none did.
     */
    public long takeFreedWait() {
        long freed = freedAtNanos.getAndSet(0);
        return freed == 0 ? -1 : System.nanoTime() - freed;
    }

    /** Whether this session holds exactly this attempt of the chunk (fencing in memory). */
    public boolean holds(UUID chunkId, long attempt) {
        Long held = inFlight.get(chunkId);
        return held != null && held == attempt;
    }

    public Map<UUID, Long> inFlight() {
        return Map.copyOf(inFlight);
    }

    /** Tells the node to stop an attempt ({@code jobId} may be null where it is not known). */
    public boolean stop(UUID chunkId, long attempt, UUID jobId, String reason) {
        ir.flatrender.proto.farm.v1.ChunkRef.Builder chunk = ir.flatrender.proto.farm.v1.ChunkRef.newBuilder()
                .setChunkId(chunkId.toString())
                .setAttempt(attempt);
        if (jobId != null) {
            chunk.setJobId(jobId.toString());
        }
        return send(NodeCommand.newBuilder()
                .setCancel(ir.flatrender.proto.farm.v1.CancelChunk.newBuilder()
                        .setChunk(chunk)
                        .setReason(reason))
                .build());
    }

    /**
     * Queues a claimed chunk's assignment for the node.
     *
     * @return false when the session is closed or the node stopped reading its stream
     */
    public boolean assign(ir.flatrender.orchestrator.jobs.JobRow job, ir.flatrender.orchestrator.jobs.ChunkRow chunk) {
        return send(NodeCommand.newBuilder()
                .setAssign(Assignments.assignment(job, chunk, chunk.leaseExpiresAt()))
                .build());
    }

    /**
     * Queues a command for the node.
     *
     * @return false when the session is closed or the node stopped reading its stream
     */
    public boolean send(NodeCommand command) {
        if (closed) {
            return false;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            log.warn("node {}: {} commands waiting; closing its stream", name(), MAX_QUEUED);
            close(Status.RESOURCE_EXHAUSTED.withDescription("node is not reading its control stream"));
            return false;
        }
        outbound.add(command);
        serial.execute(this::drain);
        return true;
    }

    /** Called by the stream when it can take more. */
    void onReady() {
        serial.execute(this::drain);
    }

    private void drain() {
        if (closed) {
            return;
        }
        try {
            while (stream.isReady()) {
                NodeCommand command = outbound.poll();
                if (command == null) {
                    return;
                }
                queued.decrementAndGet();
                stream.onNext(command);
            }
        } catch (RuntimeException e) {
            // The call was cancelled under us; the close handler takes care of the rest.
            log.debug("node {}: stream closed while sending: {}", name(), e.getMessage());
        }
    }

    /** Ends the stream with an error status; the node will reconnect. */
    public void close(Status status) {
        serial.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stream.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
                log.debug("node {}: stream already closed: {}", name(), e.getMessage());
            }
            // A stream this side ends gets no cancel callback, so the close is reported here.
            closeListener.accept(status.getCode() + ": " + status.getDescription());
        });
    }

    /** Marks the session finished after the node closed its side. */
    void markClosed() {
        closed = true;
    }

    /** Completes the stream after the node closed its side. */
    void complete() {
        serial.execute(() -> {
            try {
                stream.onCompleted();
            } catch (RuntimeException e) {
                log.debug("node {}: stream already closed: {}", name(), e.getMessage());
            }
        });
    }

    public String name() {
        Identity known = identity;
        return known == null ? "(unnamed)" : known.name();
    }
}
