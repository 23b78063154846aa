package ir.flatrender.node;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.control.CommandMapper;
import ir.flatrender.node.control.ControlStream;
import ir.flatrender.node.control.EventMapper;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.node.work.Worker;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.CancelChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Drain;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.Welcome;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers the orchestrator: who this node is, what it runs, and what to do with commands. */
final class NodeAgent implements ControlStream.Listener {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

    private final NodeConfig config;
    private final Engines engines;
    private final TemplateCache cache;
    private final AtomicReference<String> nodeId;
    private final String version;
    private final String hostname;
    private final ScheduledExecutorService timer;
    /** Counts connections won and lost: a stop scheduled on a loss is void once it moved on. */
    private final AtomicLong connections = new AtomicLong();
    /** The orchestrator's lease, as its last welcome said; 15 s until the first. */
    private volatile long leaseTimeoutMillis = 15_000;

    private Worker worker;

    private final ResourceSampler resources;

    NodeAgent(
            NodeConfig config,
            Engines engines,
            TemplateCache cache,
            AtomicReference<String> nodeId,
            Host host,
            ScheduledExecutorService timer,
            ResourceSampler resources) {
        this.resources = requireNonNull(resources, "resources is null");
        this.config = requireNonNull(config, "config is null");
        this.engines = requireNonNull(engines, "engines is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        requireNonNull(host, "host is null");
        this.version = host.version();
        this.hostname = host.hostname();
        this.timer = requireNonNull(timer, "timer is null");
    }

    /** What the node's hello says it runs on: its build and its machine's name. */
    record Host(String version, String hostname) {
        Host {
            requireNonNull(version, "version is null");
            requireNonNull(hostname, "hostname is null");
        }
    }

    /** Set once by the composition root; the worker and the stream need each other. */
    void attach(Worker newWorker) {
        this.worker = requireNonNull(newWorker, "newWorker is null");
    }

    @Override
    public Hello hello() {
        Hello.Builder hello = Hello.newBuilder()
                .setNodeName(config.name())
                .addAllEngines(engines.names())
                .addAllCapabilities(engines.capabilities())
                .setSlots(config.slots())
                .setVersion(version)
                .setHostname(hostname)
                .addAllRunning(running());
        hello.addAllCachedTemplates(EventMapper.cacheReport(cache.report()).getTemplatesList());
        return hello.build();
    }

    @Override
    public Heartbeat heartbeat() {
        return Heartbeat.newBuilder()
                .addAllRunning(running())
                .setResources(resources.sample())
                .setSentAtUnixMillis(System.currentTimeMillis())
                .build();
    }

    private List<ChunkRef> running() {
        return worker.running().stream().map(EventMapper::chunkRef).toList();
    }

    @Override
    public void onWelcome(Welcome welcome) {
        connections.incrementAndGet();
        if (welcome.getLeaseTimeoutMillis() > 0) {
            leaseTimeoutMillis = welcome.getLeaseTimeoutMillis();
        }
        nodeId.set(welcome.getNodeId());
        log.info(
                "welcomed by orchestrator {} as node {} ({}); heartbeat every {} ms",
                welcome.getOrchestratorId(),
                config.name(),
                welcome.getNodeId(),
                welcome.getHeartbeatIntervalMillis());
    }

    @Override
    public void onAssign(AssignChunk assign) {
        worker.assign(CommandMapper.assignment(assign));
    }

    @Override
    public void onCancel(CancelChunk cancel) {
        worker.cancel(CommandMapper.chunk(cancel.getChunk()), cancel.getReason());
    }

    @Override
    public void onDrain(Drain drain) {
        log.info("draining: {}", drain.getReason());
    }

    /**
     * The chunks keep running: an orchestrator that restarts, or shuts down for another to take
     * over, keeps their leases, and the node reports them in its next hello. Only once the
     * node has been away for longer than the lease, when they are surely handed out again, are
     * they stopped.
     */
    @Override
    public void onDisconnected(String why) {
        long away = connections.incrementAndGet();
        long wait = leaseTimeoutMillis;
        timer.schedule(
                () -> {
                    if (connections.get() == away && !worker.running().isEmpty()) {
                        log.warn("away from the orchestrator for over {} ms; stopping this node's chunks", wait);
                        worker.cancelAll("lost the orchestrator for longer than the lease: " + why);
                    }
                },
                wait,
                TimeUnit.MILLISECONDS);
    }
}
