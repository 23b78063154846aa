package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.failures.FailureKind;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import ir.flatrender.orchestrator.server.Caller;
import ir.flatrender.orchestrator.templates.TemplateManifestParser;
import ir.flatrender.proto.farm.v1.CacheReport;
import ir.flatrender.proto.farm.v1.CachedTemplate;
import ir.flatrender.proto.farm.v1.CancelChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.Welcome;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's hello and what it says of its template cache: the hello is checked (name, slots,
 * engines, capabilities, the credential's node, one live stream per name), the node's row and
 * session made, the attempts it still runs from before this connection adopted or stopped, and
 * its cache recorded for affinity. Called on the session's serial executor.
 */
public final class NodeHandshake {
    private static final Logger log = LoggerFactory.getLogger(NodeHandshake.class);
    private static final String[] OUT_ON_NODE =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));
    private static final int MAX_SLOTS = 256;

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final DomainEvents farmEvents;
    private final Attempts attempts;
    private final LeaseTimings config;
    private final RestartGrace grace;
    private final UUID orchestratorId;

    public NodeHandshake(
            Jdbi jdbi,
            NodeRegistry registry,
            DomainEvents farmEvents,
            Attempts attempts,
            LeaseTimings config,
            RestartGrace grace,
            UUID orchestratorId) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.farmEvents = requireNonNull(farmEvents, "farmEvents is null");
        this.attempts = requireNonNull(attempts, "attempts is null");
        this.config = requireNonNull(config, "config is null");
        this.grace = requireNonNull(grace, "grace is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
    }

    void onHello(NodeSession session, Hello hello) {
        if (session.identity() != null) {
            session.close(Status.FAILED_PRECONDITION.withDescription("hello sent twice"));
            return;
        }
        String problem = checkHello(hello);
        if (problem != null) {
            log.warn("refusing node '{}': {}", hello.getNodeName(), problem);
            session.close(Status.INVALID_ARGUMENT.withDescription(problem));
            return;
        }
        // A node's credential names the node: its hello may not claim another (issue 14, case 2).
        Optional<String> enrolled = session.caller().flatMap(Caller::nodeName);
        if (enrolled.isPresent() && !enrolled.get().equals(hello.getNodeName())) {
            log.warn(
                    "refusing a hello as node '{}' over the credential of node '{}'",
                    hello.getNodeName(),
                    enrolled.get());
            session.close(Status.PERMISSION_DENIED.withDescription("this credential belongs to node " + enrolled.get()
                    + "; its hello may not name node " + hello.getNodeName()));
            return;
        }
        // Under mutual TLS a node's certificate names the node (issue 23): it may not present another's.
        Optional<String> certified = session.certificateName();
        if (certified.isPresent() && !certified.get().equals(hello.getNodeName())) {
            log.warn(
                    "refusing a hello as node '{}' over the TLS certificate of '{}'",
                    hello.getNodeName(),
                    certified.get());
            session.close(Status.PERMISSION_DENIED.withDescription("this TLS certificate belongs to "
                    + certified.get() + "; its hello may not name node " + hello.getNodeName()
                    + " (flatrender certs node --name " + hello.getNodeName() + ")"));
            return;
        }
        // The first connection of a node keeps its name while it is live; a second one is refused
        // rather than evicting it (a silent one is replaced: the node reconnecting after a dead link).
        long silentLimit = config.heartbeatInterval().toNanos() * 3;
        long now = System.nanoTime();
        if (!registry.claim(hello.getNodeName(), session, other -> other.silentNanos(now) < silentLimit)) {
            log.warn("refusing a second connection of node '{}' while its first is live", hello.getNodeName());
            session.close(Status.ALREADY_EXISTS.withDescription(
                    "node " + hello.getNodeName() + " is connected already; a second connection is refused"));
            return;
        }
        NodeRow row = jdbi.withExtension(
                NodeDao.class,
                dao -> dao.upsertOnHello(
                        UUID.randomUUID(),
                        hello.getNodeName(),
                        hello.getHostname(),
                        hello.getVersion(),
                        hello.getEnginesList().toArray(String[]::new),
                        hello.getCapabilitiesList().toArray(String[]::new),
                        hello.getSlots(),
                        orchestratorId));
        session.activate(
                new NodeSession.Identity(
                        row.id(),
                        row.name(),
                        Set.copyOf(hello.getEnginesList()),
                        Set.copyOf(hello.getCapabilitiesList()),
                        hello.getSlots()),
                row.nodeState());
        // What the node still runs from before this connection: the current attempts are kept
        // (a restarted orchestrator, a stream that dropped) and count against its slots before
        // the scheduler sees the session; stale ones are stopped; chunks the database has on
        // the node that it no longer runs go back to pending.
        List<ChunkRef> stale = adopt(session, row.id(), hello.getRunningList());
        registry.register(session).filter(old -> old != session).ifPresent(old -> {
            log.warn("node {} connected again; closing its previous, silent stream", row.name());
            old.close(Status.ABORTED.withDescription("replaced by a newer connection of the same node"));
            for (var held : old.inFlight().entrySet()) {
                old.release(held.getKey(), held.getValue());
            }
        });
        session.send(NodeCommand.newBuilder()
                .setWelcome(Welcome.newBuilder()
                        .setNodeId(row.id().toString())
                        .setOrchestratorId(orchestratorId.toString())
                        .setHeartbeatIntervalMillis(
                                (int) config.heartbeatInterval().toMillis())
                        .setLeaseTimeoutMillis((int) config.leaseTimeout().toMillis()))
                .build());
        for (ChunkRef running : stale) {
            session.send(NodeCommand.newBuilder()
                    .setCancel(CancelChunk.newBuilder()
                            .setChunk(running)
                            .setReason("this attempt was taken back while the node was away"))
                    .build());
        }
        recordCache(session, hello.getCachedTemplatesList());
        log.info(
                "node {} ({}) online: engines {}, capabilities {}, {} slot(s), version {}, state {}",
                row.name(),
                row.id(),
                hello.getEnginesList(),
                hello.getCapabilitiesList(),
                hello.getSlots(),
                hello.getVersion(),
                row.state());
        farmEvents.publish(new FarmEvent.CapacityChanged());
    }

    private static String checkHello(Hello hello) {
        if (hello.getNodeName().isBlank() || hello.getNodeName().length() > 128) {
            return "node_name must be 1-128 characters";
        }
        if (hello.getSlots() < 1 || hello.getSlots() > MAX_SLOTS) {
            return "slots must be between 1 and " + MAX_SLOTS + " but was " + hello.getSlots();
        }
        if (hello.getEnginesCount() == 0) {
            return "the node offers no engine";
        }
        Set<String> unknown = new HashSet<>(hello.getEnginesList());
        unknown.removeAll(TemplateManifestParser.ENGINES);
        if (!unknown.isEmpty()) {
            return "unknown engine(s) " + unknown + "; the farm knows " + TemplateManifestParser.ENGINES;
        }
        if (hello.getCapabilitiesCount() > 16
                || hello.getCapabilitiesList().stream().anyMatch(c -> !c.matches("[a-z0-9-]{1,32}"))) {
            return "capabilities must be at most 16 names of 1-32 characters [a-z0-9-]";
        }
        return null;
    }

    /** The node's template cache changed: record it, and remember it for affinity. */
    void onCacheReport(NodeSession session, CacheReport report) {
        if (session.identity() == null) {
            return;
        }
        recordCache(session, report.getTemplatesList());
        jdbi.useExtension(
                NodeCacheDao.class,
                dao -> dao.recordCounters(
                        session.identity().nodeId(),
                        report.getHits(),
                        report.getMisses(),
                        report.getBytesFetched(),
                        report.getBudgetBytes()));
        log.info(
                "node {} cache: {} package(s), {} hit(s), {} miss(es), {} bytes fetched, {} eviction(s), budget {} bytes",
                session.name(),
                report.getTemplatesCount(),
                report.getHits(),
                report.getMisses(),
                report.getBytesFetched(),
                report.getEvictions(),
                report.getBudgetBytes());
    }

    private void recordCache(NodeSession session, List<CachedTemplate> templates) {
        session.setCachedPackages(
                templates.stream().map(CachedTemplate::getSha256).collect(java.util.stream.Collectors.toSet()));
        jdbi.useExtension(
                NodeCacheDao.class,
                dao -> dao.replace(
                        session.identity().nodeId(),
                        templates.stream().map(CachedTemplate::getSha256).toList(),
                        templates.stream().map(CachedTemplate::getSizeBytes).toList(),
                        templates.stream()
                                .map(t -> t.getLastUsedUnixMillis() == 0
                                        ? null
                                        : java.time.Instant.ofEpochMilli(t.getLastUsedUnixMillis()))
                                .toList(),
                        templates.stream().map(CachedTemplate::getHits).toList()));
    }

    /**
     * Keeps the current attempts a (re)connecting node reports, and answers the stale ones.
     * Chunks the database has on the node that it does not report go back to pending.
     */
    private List<ChunkRef> adopt(NodeSession session, UUID nodeId, List<ChunkRef> running) {
        double leaseSeconds = config.leaseTimeout().toMillis() / 1000.0;
        List<ChunkRef> stale = new java.util.ArrayList<>();
        List<UUID> kept = new java.util.ArrayList<>();
        for (ChunkRef ref : running) {
            Optional<UUID> chunkId = NodeEventHandler.uuid(ref.getChunkId());
            boolean current = chunkId.isPresent()
                    && jdbi.withExtension(
                                    LeaseDao.class,
                                    dao -> dao.adoptChunk(
                                            chunkId.get(), ref.getAttempt(), nodeId, OUT_ON_NODE, leaseSeconds))
                            == 1;
            if (current) {
                session.reserve(chunkId.get(), ref.getAttempt());
                kept.add(chunkId.get());
            } else {
                stale.add(ref);
            }
        }
        // What the node no longer runs died with it (a restart, a crash): each a lost attempt,
        // but for assignments that may have died with a previous orchestrator before they
        // reached the node (RestartGrace), taken back without a failure.
        List<ChunkLease> lost = new java.util.ArrayList<>(jdbi.withExtension(
                LeaseDao.class, dao -> dao.nodeChunksExcept(nodeId, OUT_ON_NODE, kept.toArray(UUID[]::new))));
        String unreachedReason = "node " + session.name()
                + " came back without an assignment that may not have reached it before the orchestrator stopped";
        List<ChunkLease> unreached = grace.cameBack(nodeId, lost, unreachedReason);
        lost.removeAll(unreached);
        attempts.takenBack(unreached, unreachedReason);
        attempts.lost(
                lost,
                FailureKind.NODE_LOST,
                "node " + session.name() + " came back without the attempt (restarted or crashed)");
        if (!kept.isEmpty() || !stale.isEmpty()) {
            log.info(
                    "node {} still runs {} current chunk attempt(s), kept; {} stale one(s) stopped",
                    session.name(),
                    kept.size(),
                    stale.size());
        }
        return stale;
    }
}
