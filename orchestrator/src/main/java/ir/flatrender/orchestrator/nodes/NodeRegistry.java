package ir.flatrender.orchestrator.nodes;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The nodes connected to this orchestrator, by node id. */
public final class NodeRegistry {
    private final Map<UUID, NodeSession> sessions = new ConcurrentHashMap<>();
    /** Node names held by a session from its hello on, so one name has one stream. */
    private final Map<String, NodeSession> names = new ConcurrentHashMap<>();

    /**
     * Reserves a node's name for this session: false while another session holds it and is
     * still live (the first connection keeps the name; a second one is refused, never the other
     * way round). A closed or silent holder gives the name up.
     */
    boolean claim(String name, NodeSession session, java.util.function.Predicate<NodeSession> live) {
        return names.compute(
                        name,
                        (key, holder) -> holder == null || holder == session || holder.isClosed() || !live.test(holder)
                                ? session
                                : holder)
                == session;
    }

    /** Gives up whatever name the session holds. */
    void release(NodeSession session) {
        names.values().remove(session);
    }

    /** Adds a session; returns the one it replaces, for the same node reconnecting. */
    Optional<NodeSession> register(NodeSession session) {
        return Optional.ofNullable(sessions.put(session.identity().nodeId(), session));
    }

    /** Removes the session if it is still the node's current one. */
    boolean remove(NodeSession session) {
        release(session);
        NodeSession.Identity identity = session.identity();
        return identity != null && sessions.remove(identity.nodeId(), session);
    }

    public Optional<NodeSession> get(UUID nodeId) {
        return Optional.ofNullable(sessions.get(nodeId));
    }

    public Collection<NodeSession> sessions() {
        return List.copyOf(sessions.values());
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Follows what the jobs domain decides about attempts and nodes: a released attempt frees its
     * slot on the session (and is stopped on the node where the event says so), a quarantined or
     * readmitted node's session takes that state.
     */
    public void subscribeTo(DomainEvents events) {
        events.subscribe(FarmEvent.AttemptReleased.class, this::released);
        events.subscribe(
                FarmEvent.NodeQuarantined.class,
                event -> get(event.nodeId()).ifPresent(session -> session.setState(NodeState.QUARANTINED)));
        events.subscribe(
                FarmEvent.NodeReadmitted.class,
                event -> get(event.nodeId()).ifPresent(session -> session.setState(NodeState.ONLINE)));
    }

    private void released(FarmEvent.AttemptReleased event) {
        ChunkLease lease = event.lease();
        if (lease.nodeId() == null) {
            return;
        }
        get(lease.nodeId()).ifPresent(session -> {
            boolean held = session.release(lease.id(), lease.attempt());
            if (event.stop() == FarmEvent.StopOnNode.ALWAYS || (event.stop() == FarmEvent.StopOnNode.IF_HELD && held)) {
                session.stop(lease.id(), lease.attempt(), lease.jobId(), event.reason());
            }
        });
    }
}
