package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ClaimDao;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.server.Caller;
import ir.flatrender.orchestrator.server.FarmCredentials;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.proto.farm.v1.Drain;
import ir.flatrender.proto.farm.v1.NodeCommand;
import java.io.IOException;
import java.time.Clock;
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
 * through another within a tick. Quarantined nodes here get health-check renders: a few frames
 * of the job they last failed, at 360p, only for them and ahead of other work; passing one
 * re-admits the node, failing one sets the next after a growing backoff.
 */
public final class NodeControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeControl.class);
    /** Health checks run as this tenant, apart from every client's jobs. */
    public static final UUID HEALTH_CHECK_TENANT = new UUID(0, 0);

    private static final int HEALTH_CHECK_FRAMES = 5;

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final NodeEventHandler handler;
    private final JobSubmitter submitter;
    private final DomainEvents farmEvents;
    private final BlobStore blobs;
    private final QuarantinePolicy policy;
    private final UUID orchestratorId;
    private final Duration tick;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final FarmCredentials credentials;

    public NodeControl(
            Jdbi jdbi,
            NodeRegistry registry,
            NodeEventHandler handler,
            JobSubmitter submitter,
            DomainEvents farmEvents,
            BlobStore blobs,
            QuarantinePolicy policy,
            UUID orchestratorId,
            Duration tick,
            Clock clock,
            FarmCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.farmEvents = requireNonNull(farmEvents, "farmEvents is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.tick = requireNonNull(tick, "tick is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "node-control");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
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
                healthCheck(node);
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

    private void healthCheck(NodeView node) {
        if (node.healthCheckJobId() != null) {
            Optional<JobRow> job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(node.healthCheckJobId()));
            JobState state = job.map(JobRow::jobState).orElse(JobState.FAILED);
            if (state == JobState.SUCCEEDED) {
                int readmitted = jdbi.withExtension(
                        NodeAdminDao.class,
                        dao -> dao.readmit(node.id(), new String[] {NodeState.QUARANTINED.dbName()}));
                if (readmitted == 1) {
                    log.info("node {} passed its health-check render; it takes work again", node.name());
                    registry.get(node.id()).ifPresent(session -> follow(session, NodeState.ONLINE));
                }
                deleteSegments(node.healthCheckJobId());
            } else if (state.isTerminal()) {
                Duration backoff = policy.backoffAfter(node.healthChecksFailed() + 1);
                jdbi.useExtension(
                        NodeAdminDao.class,
                        dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(backoff)));
                log.warn(
                        "node {} failed health-check render {} ({}); the next in {}s",
                        node.name(),
                        node.healthChecksFailed() + 1,
                        job.map(JobRow::error).orElse("gone"),
                        backoff.toSeconds());
                deleteSegments(node.healthCheckJobId());
            }
            return;
        }
        if (node.healthCheckDueAt() == null
                || node.healthCheckDueAt().isAfter(clock.instant())
                || registry.get(node.id()).isEmpty()) {
            return;
        }
        Optional<SubmitCommand> check = healthCheckOf(node);
        if (check.isEmpty()) {
            // Nothing it failed is left to test with: an operator decides (nodes release).
            jdbi.useExtension(
                    NodeAdminDao.class,
                    dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(policy.maxRecheckBackoff())));
            log.warn(
                    "node {} is quarantined and no job of the engine it failed with has succeeded to probe it"
                            + " with; release it by hand (nodes release) once it is fixed",
                    node.name());
            return;
        }
        try {
            JobRow job = submitter.submitHealthCheck(check.get(), node.id()).job();
            jdbi.useExtension(NodeAdminDao.class, dao -> dao.startHealthCheck(node.id(), job.id()));
            log.info("node {}: health-check render {} queued", node.name(), job.id());
            farmEvents.publish(new FarmEvent.WorkAdded());
        } catch (FarmException e) {
            jdbi.useExtension(
                    NodeAdminDao.class,
                    dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(policy.maxRecheckBackoff())));
            log.warn("node {}: could not make a health-check render: {}", node.name(), e.getMessage());
        }
    }

    /**
     * The probe a quarantined node renders: a few frames, at 360p, of the latest job of the
     * engine it failed with that succeeded on the farm — known to render, so the check tests
     * the node and can pass. Never the job it failed: a broken template would fail every check
     * on every node, and the node would stay out for good.
     */
    private Optional<SubmitCommand> healthCheckOf(NodeView node) {
        return jdbi.withHandle(handle -> {
            Optional<String> engine = handle.createQuery("""
                            SELECT c.engine FROM render.node_crashes c
                            JOIN render.render_jobs j ON j.id = c.job_id
                            WHERE c.node_id = :nodeId AND j.kind = 'video' AND NOT c.job_fault
                            ORDER BY c.created_at DESC LIMIT 1
                            """)
                    .bind("nodeId", node.id())
                    .mapTo(String.class)
                    .findOne();
            if (engine.isEmpty()) {
                return Optional.empty();
            }
            Optional<UUID> good = handle.createQuery("""
                            SELECT id FROM render.render_jobs
                            WHERE kind = 'video' AND state = 'succeeded' AND engine = :engine
                            ORDER BY finished_at DESC NULLS LAST LIMIT 1
                            """)
                    .bind("engine", engine.get())
                    .mapTo(UUID.class)
                    .findOne();
            if (good.isEmpty()) {
                return Optional.empty();
            }
            JobDao dao = handle.attach(JobDao.class);
            Optional<JobRow> job = dao.findJob(good.get());
            Optional<ChunkRow> chunk = job.flatMap(found -> dao.listChunks(found.id()).stream()
                    .filter(c -> !c.isAudioTask())
                    .findFirst());
            if (job.isEmpty() || chunk.isEmpty()) {
                return Optional.empty();
            }
            int start = chunk.get().frameStart();
            int end = Math.min(chunk.get().frameEnd(), start + HEALTH_CHECK_FRAMES - 1);
            return Optional.of(new SubmitCommand(
                    HEALTH_CHECK_TENANT,
                    job.get().templateId(),
                    job.get().templateVersion(),
                    (ObjectNode) job.get().bindings(),
                    job.get().aspect(),
                    "360p",
                    Optional.of(new FrameRange(start, end)),
                    job.get().fps(),
                    "",
                    0,
                    end - start + 1,
                    1,
                    List.of(),
                    List.of(),
                    Optional.empty()));
        });
    }

    private void deleteSegments(UUID jobId) {
        try {
            blobs.deleteTree("segments/" + jobId);
        } catch (IOException e) {
            log.warn("could not delete the health check's segments: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
