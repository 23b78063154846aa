package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.ClaimDao;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.server.Caller;
import ir.flatrender.orchestrator.server.FarmCredentials;
import ir.flatrender.proto.farm.v1.Drain;
import ir.flatrender.proto.farm.v1.NodeCommand;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators and the quarantine do to nodes: drain, disable, enable, release. The state
 * lives in {@code render.nodes}; the orchestrator holding a node's stream follows changes made
 * through another within a tick. Quarantined nodes here get health-check renders ({@link
 * HealthChecks}).
 */
public final class NodeControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeControl.class);

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final NodeEventHandler handler;
    private final HealthChecks healthChecks;
    private final DomainEvents farmEvents;
    private final UUID orchestratorId;
    private final ScheduledExecutorService timer;
    private final FarmCredentials credentials;

    public NodeControl(
            Jdbi jdbi,
            NodeRegistry registry,
            NodeEventHandler handler,
            HealthChecks healthChecks,
            DomainEvents farmEvents,
            UUID orchestratorId,
            FarmCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.healthChecks = requireNonNull(healthChecks, "healthChecks is null");
        this.farmEvents = requireNonNull(farmEvents, "farmEvents is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("node-control")
                .setDaemon(true)
                .build());
    }

    /** Follows changes made through other orchestrators, and looks after health checks, every {@code tick}. */
    public void start(Duration tick) {
        timer.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    public NodeView get(String node) {
        return jdbi.withExtension(NodeAdminDao.class, dao -> dao.find(node))
                .orElseThrow(() -> FarmException.notFound("node " + node + " does not exist"));
    }

    public List<NodeView> list(List<NodeState> states) {
        String[] names =
                states.isEmpty() ? null : states.stream().map(NodeState::dbName).toArray(String[]::new);
        return jdbi.withExtension(NodeAdminDao.class, dao -> dao.list(names));
    }

    /** Finishes what it runs and takes nothing new. */
    public NodeView drain(String node, String reason) {
        NodeView found = change(node, NodeState.DRAINING, List.of(NodeState.ONLINE));
        registry.get(found.id()).ifPresent(session -> {
            follow(session, NodeState.DRAINING);
            session.send(NodeCommand.newBuilder()
                    .setDrain(Drain.newBuilder().setReason(reason))
                    .build());
        });
        log.info("node {} draining: {}", found.name(), reason);
        return get(node);
    }

    /** Takes nothing new, and what it runs goes back to pending (not counted as failures). */
    public NodeView disable(String node, String reason) {
        NodeView found = change(
                node,
                NodeState.DISABLED,
                List.of(NodeState.ONLINE, NodeState.DRAINING, NodeState.OFFLINE, NodeState.QUARANTINED));
        Optional<NodeSession> session = registry.get(found.id());
        if (session.isPresent()) {
            follow(session.get(), NodeState.DISABLED);
        } else {
            // Connected elsewhere or not at all: its chunks come back now; its orchestrator
            // stops them on the node when it follows the change.
            handler.takeBackFrom(found.id(), "node " + found.name() + " disabled");
        }
        log.info("node {} disabled: {}", found.name(), reason);
        return get(node);
    }

    /** A drained or disabled node takes work again. */
    public NodeView enable(String node) {
        return readmit(node, List.of(NodeState.DRAINING, NodeState.DISABLED), "enabled");
    }

    /** Lifts a quarantine without waiting for a health-check render. */
    public NodeView release(String node) {
        return readmit(node, List.of(NodeState.QUARANTINED), "released from quarantine");
    }

    private NodeView readmit(String node, List<NodeState> from, String what) {
        NodeView found = get(node);
        int updated = jdbi.withExtension(
                NodeAdminDao.class,
                dao -> dao.readmit(
                        found.id(), from.stream().map(NodeState::dbName).toArray(String[]::new)));
        if (updated == 0) {
            throw refused(found, what, from);
        }
        registry.get(found.id()).ifPresent(session -> follow(session, NodeState.ONLINE));
        log.info("node {} {}", found.name(), what);
        farmEvents.publish(new FarmEvent.CapacityChanged());
        return get(node);
    }

    private NodeView change(String node, NodeState to, List<NodeState> from) {
        NodeView found = get(node);
        int updated = jdbi.withExtension(
                NodeAdminDao.class,
                dao -> dao.setState(
                        found.id(), from.stream().map(NodeState::dbName).toArray(String[]::new), to.dbName()));
        if (updated == 0) {
            throw refused(found, to.dbName(), from);
        }
        return found;
    }

    private static FarmException refused(NodeView node, String what, List<NodeState> from) {
        return new FarmException(
                ErrorCode.FAILED_PRECONDITION,
                "node " + node.name() + " is " + node.state() + "; it can be " + what + " only when "
                        + String.join(
                                " or ", from.stream().map(NodeState::dbName).toList()));
    }

    /** Applies a state to a node connected here: new work or none, and a disabled node's chunks taken back. */
    private void follow(NodeSession session, NodeState state) {
        NodeState before = session.state();
        session.setState(state);
        if (state == NodeState.DISABLED && before != NodeState.DISABLED) {
            handler.stopAll(session, "node " + session.name() + " disabled");
        }
        if (state.takesWork() && !before.takesWork()) {
            farmEvents.publish(new FarmEvent.CapacityChanged());
        }
    }

    /**
     * Cuts the control streams opened here with these (revoked) credentials, at once; their
     * chunks go back to pending like any lost node's.
     *
     * @return how many streams were cut
     */
    public int cutRevoked(Set<UUID> credentialIds) {
        int cut = 0;
        for (NodeSession session : registry.sessions()) {
            Optional<UUID> credential = session.caller().flatMap(Caller::credentialId);
            if (credential.isPresent() && credentialIds.contains(credential.get()) && !session.isClosed()) {
                log.warn("node {}: its credential was revoked; cutting its stream", session.name());
                session.close(io.grpc.Status.UNAUTHENTICATED.withDescription("this node's credential was revoked"));
                cut++;
            }
        }
        return cut;
    }

    /** Cuts the streams of node {@code name} opened with any credential but {@code current} (it was replaced). */
    public int cutRevokedNames(String name, UUID current) {
        return cutRevoked(registry.sessions().stream()
                .filter(session -> session.caller()
                        .flatMap(Caller::nodeName)
                        .filter(name::equals)
                        .isPresent())
                .flatMap(session -> session.caller().flatMap(Caller::credentialId).stream())
                .filter(id -> !id.equals(current))
                .collect(java.util.stream.Collectors.toSet()));
    }

    void tick() {
        try {
            // Credentials revoked through another orchestrator: their streams here are cut too.
            List<UUID> presented = registry.sessions().stream()
                    .flatMap(session -> session.caller().flatMap(Caller::credentialId).stream())
                    .distinct()
                    .toList();
            cutRevoked(Set.copyOf(credentials.revokedAmong(presented)));
            reconcile();
            for (NodeAdminDao.IdState row :
                    jdbi.withExtension(NodeAdminDao.class, dao -> dao.statesHere(orchestratorId))) {
                registry.get(row.id()).ifPresent(session -> {
                    NodeState state = NodeState.fromDb(row.state());
                    if (session.state() != state && state != NodeState.OFFLINE) {
                        follow(session, state);
                    }
                });
            }
            for (NodeView node : jdbi.withExtension(NodeAdminDao.class, dao -> dao.quarantinedHere(orchestratorId))) {
                if (healthChecks.check(node)) {
                    registry.get(node.id()).ifPresent(session -> follow(session, NodeState.ONLINE));
                }
            }
        } catch (RuntimeException e) {
            log.warn("node control tick failed; will retry: {}", e.toString());
        }
    }

    /**
     * Stops attempts that nodes here still run but that the database no longer has on them
     * (cancelled, or taken back, through another orchestrator). The sessions are read before
     * the database, so an attempt just handed out (committed before it is counted) is never
     * taken for a stale one.
     */
    private void reconcile() {
        Map<NodeSession, Map<UUID, Long>> held = new LinkedHashMap<>();
        for (NodeSession session : registry.sessions()) {
            if (session.identity() != null && session.busySlots() > 0) {
                held.put(session, session.inFlight());
            }
        }
        if (held.isEmpty()) {
            return;
        }
        Set<String> out = Set.copyOf(jdbi.withExtension(
                ClaimDao.class,
                dao -> dao.attemptsOutOn(
                        held.keySet().stream().map(s -> s.identity().nodeId()).toArray(UUID[]::new))));
        boolean freed = false;
        for (Map.Entry<NodeSession, Map<UUID, Long>> entry : held.entrySet()) {
            NodeSession session = entry.getKey();
            for (Map.Entry<UUID, Long> attempt : entry.getValue().entrySet()) {
                if (!out.contains(attempt.getKey() + "#" + attempt.getValue())
                        && session.release(attempt.getKey(), attempt.getValue())) {
                    log.info(
                            "node {}: chunk {} attempt {} was cancelled or taken back elsewhere; stopping it",
                            session.name(),
                            attempt.getKey(),
                            attempt.getValue());
                    session.stop(attempt.getKey(), attempt.getValue(), null, "the chunk was cancelled or taken back");
                    freed = true;
                }
            }
        }
        if (freed) {
            farmEvents.publish(new FarmEvent.CapacityChanged());
        }
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
