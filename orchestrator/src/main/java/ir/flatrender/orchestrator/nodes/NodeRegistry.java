package ir.flatrender.orchestrator.nodes;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The nodes connected to this orchestrator, by node id. */
public final class NodeRegistry {
    private final Map<UUID, NodeSession> sessions = new ConcurrentHashMap<>();

    /** Adds a session; returns the one it replaces, for the same node reconnecting. */
    Optional<NodeSession> register(NodeSession session) {
        return Optional.ofNullable(sessions.put(session.identity().nodeId(), session));
    }

    /** Removes the session if it is still the node's current one. */
    boolean remove(NodeSession session) {
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
}
