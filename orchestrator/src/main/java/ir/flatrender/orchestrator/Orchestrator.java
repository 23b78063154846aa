package ir.flatrender.orchestrator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.observability.MetricsEndpoint;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.media.tls.FarmTls;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.Schema;
import ir.flatrender.orchestrator.api.FarmAdminServiceImpl;
import ir.flatrender.orchestrator.api.JobServiceImpl;
import ir.flatrender.orchestrator.api.JobStreams;
import ir.flatrender.orchestrator.api.SnapshotCalls;
import ir.flatrender.orchestrator.api.TemplateServiceImpl;
import ir.flatrender.orchestrator.assembly.Assembler;
import ir.flatrender.orchestrator.assembly.AssemblySettings;
import ir.flatrender.orchestrator.assembly.MediaTools;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.health.HealthHistory;
import ir.flatrender.orchestrator.jobs.AttemptFailures;
import ir.flatrender.orchestrator.jobs.Attempts;
import ir.flatrender.orchestrator.jobs.ChunkCompletion;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobControl;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobQueries;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.RunningProgress;
import ir.flatrender.orchestrator.metrics.FarmMetrics;
import ir.flatrender.orchestrator.nodes.HealthChecks;
import ir.flatrender.orchestrator.nodes.LeaseRenewals;
import ir.flatrender.orchestrator.nodes.LeaseTimings;
import ir.flatrender.orchestrator.nodes.NodeControl;
import ir.flatrender.orchestrator.nodes.NodeEventHandler;
import ir.flatrender.orchestrator.nodes.NodeGauges;
import ir.flatrender.orchestrator.nodes.NodeHandshake;
import ir.flatrender.orchestrator.nodes.NodeRegistry;
import ir.flatrender.orchestrator.nodes.NodeServiceImpl;
import ir.flatrender.orchestrator.nodes.NodeSession;
import ir.flatrender.orchestrator.nodes.RestartGrace;
import ir.flatrender.orchestrator.nodes.SegmentDecodes;
import ir.flatrender.orchestrator.nodes.SegmentLimits;
import ir.flatrender.orchestrator.nodes.SegmentUploads;
import ir.flatrender.orchestrator.nodes.SegmentVerifier;
import ir.flatrender.orchestrator.scheduling.LeaseReaper;
import ir.flatrender.orchestrator.scheduling.Scheduler;
import ir.flatrender.orchestrator.server.CallerInterceptor;
import ir.flatrender.orchestrator.server.ClientCertificates;
import ir.flatrender.orchestrator.server.FarmCredentials;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import ir.flatrender.orchestrator.snapshots.SnapshotStore;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobStreamer;
import ir.flatrender.orchestrator.templates.SampleTemplates;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplateRevisions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's composition root: builds every part with {@code new}, migrates the
 * database before the port opens, and closes everything in reverse order.
 */
public final class Orchestrator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    /** The running orchestrator's parts that its methods use. */
    private record Running(
            UUID id,
            Server server,
            TemplateCatalog templates,
            NodeRegistry registry,
            Resources resources,
            PrometheusMeterRegistry meters,
            org.jdbi.v3.core.Jdbi jdbi,
            FarmCredentials credentials) {}

    private final Running running;

    private Orchestrator(Running running) {
        this.running = running;
    }

    /** Starts with a metrics registry of its own (see {@link #meters()}). */
    public static Orchestrator start(
            OrchestratorConfig config, Database database, FfmpegBinaries ffmpeg, ObjectMapper json) throws IOException {
        return start(config, database, ffmpeg, json, MetricsEndpoint.registry());
    }

    public static Orchestrator start(
            OrchestratorConfig config,
            Database database,
            FfmpegBinaries ffmpeg,
            ObjectMapper json,
            PrometheusMeterRegistry meters)
            throws IOException {
        requireNonNull(config, "config is null");
        requireNonNull(meters, "meters is null");
        requireNonNull(database, "database is null");
        requireNonNull(ffmpeg, "ffmpeg is null");
        requireNonNull(json, "json is null");
        UUID id = UUID.randomUUID();
        Resources resources = new Resources();
        try {
            database.migrate(List.of(Schema.CONTENT, Schema.RENDER));
            var jdbi = database.jdbi();
            Path data = config.storage().dataDirectory().toAbsolutePath();
            OrchestratorConfig.Listen listen = config.listen();
            long maxPackageBytes = config.limits().maxPackageSize().toBytes();
            long maxSegmentBytes = config.limits().maxSegmentSize().toBytes();
            Path scratch = Files.createDirectories(data.resolve("scratch"));
            BlobStore blobs = resources.add(BlobStore.open(config.storage().objectStore(), data.resolve("blobs")));
            ProcessSupervisor supervisor = resources.add(new ProcessSupervisor(Duration.ofSeconds(3)));
            Ffprobe ffprobe = new Ffprobe(ffmpeg, supervisor, json);
            TemplateCatalog templates = new TemplateCatalog(jdbi, blobs, json);
            var revisions = new TemplateRevisions(templates, blobs, json, maxPackageBytes, scratch);
            if (config.installSamples()) {
                SampleTemplates.installAll(templates, JobServiceImpl.DEFAULT_TENANT);
            }

            ExecutorService nodeEvents = resources.pool("node-events", 4);
            ExecutorService heartbeats = resources.pool("heartbeats", 2);
            ExecutorService io = resources.pool("blob-io", 4);
            ExecutorService grpc = resources.pool("grpc", 8);
            // Template pushes and revisions unpack and install here, apart from the segment uploads' threads.
            ExecutorService installs = resources.pool("template-installs", 2);
            ScheduledExecutorService watchTimer = resources.timer("job-watch");
            // Snapshot calls wait for a render; they get their own bounded pool and queue for that
            // (a full queue is refused at once, not served minutes later).
            ExecutorService snapshotCalls = resources.bounded("snapshot-calls", 8, 64);

            NodeRegistry registry = new NodeRegistry();
            FarmCredentials credentials = new FarmCredentials(jdbi);
            FarmMetrics metrics = resources.add(new FarmMetrics(meters, jdbi));
            NodeGauges.register(meters, registry);
            JobEvents watchers = new JobEvents();
            RunningProgress progress = new RunningProgress();
            JobCache jobCache = new JobCache(jdbi);
            // The jobs domain's facts, and who acts on them (ARCHITECTURE.md, "Domain events").
            DomainEvents events = new DomainEvents();
            Scheduler scheduler =
                    resources.add(new Scheduler(jdbi, registry, jobCache, watchers, config.scheduler(), metrics));
            var decodes = resources.add(
                    new SegmentDecodes(blobs, new SegmentVerifier(ffprobe, config.verifySegments()), scratch));
            Assembler assembler = resources.add(new Assembler(
                    jdbi,
                    blobs,
                    templates,
                    new MediaTools(ffmpeg, supervisor, ffprobe),
                    new AssemblySettings(
                            Files.createDirectories(scratch.resolve("assembly")), config.assemblyThreads(), id),
                    decodes,
                    events));
            long snapshotCache = config.storage().snapshotCacheSize().toBytes();
            SnapshotStore snapshotStore = new SnapshotStore(jdbi, blobs, json, snapshotCache);
            scheduler.subscribeTo(events);
            assembler.subscribeTo(events);
            snapshotStore.subscribeTo(events, jobCache, watchers);
            registry.subscribeTo(events);
            metrics.subscribeTo(events);
            watchers.subscribeTo(events, jobCache, progress);
            JobControl control = new JobControl(jdbi, jobCache, progress, watchers, events);
            ChunkCompletion completion = new ChunkCompletion(jdbi, jobCache, progress, watchers, events, id);
            Attempts attempts = new Attempts(
                    jdbi,
                    completion,
                    new AttemptFailures(
                            jdbi,
                            jobCache,
                            progress,
                            watchers,
                            events,
                            config.health().quarantine(),
                            control));
            HealthHistory health = resources.add(new HealthHistory(jdbi, config.health(), java.time.Clock.systemUTC()));
            LeaseTimings leases = new LeaseTimings(
                    config.scheduler().heartbeatInterval(), config.scheduler().leaseTimeout());
            NodeEventHandler handler = new NodeEventHandler(jdbi, registry, events, attempts, id, health);
            LeaseRenewals renewals = resources.add(new LeaseRenewals(jdbi, registry, leases));
            RestartGrace grace = new RestartGrace(jdbi, leases);
            LeaseReaper reaper =
                    resources.add(new LeaseReaper(jdbi, registry, completion, attempts, config.scheduler(), grace, id));
            BlobStreamer streamer = new BlobStreamer(io);
            SegmentUploads uploads = resources.add(new SegmentUploads(
                    jdbi,
                    blobs,
                    jobCache,
                    attempts,
                    decodes,
                    new SegmentLimits(maxSegmentBytes, config.scheduler().leaseTimeout(), scratch),
                    io));
            JobSubmitter submitter = new JobSubmitter(jdbi, templates, config.jobs(), json, Clock.systemUTC(), events);
            JobQueries queries = new JobQueries(jdbi, progress);
            var jobEnds = new ir.flatrender.orchestrator.jobs.JobEndWait(jdbi, watchers);
            SnapshotService snapshots = new SnapshotService(templates, submitter, jobEnds, snapshotStore, json);
            NodeControl nodeControl = resources.add(new NodeControl(
                    jdbi,
                    registry,
                    handler,
                    new HealthChecks(
                            jdbi, registry, submitter, blobs, config.health().quarantine(), Clock.systemUTC()),
                    events,
                    id,
                    credentials));

            // Who may call what (issue 14): the farm token is the operators', nodes and gateways
            // present credentials the farm issued them.
            CallerInterceptor auth = new CallerInterceptor(FarmToken.of(config.farmToken()), credentials, Set.of());
            // The certificate files are read again when they change: a renewal needs no restart.
            ServerCredentials serverCredentials = listen.tls()
                    .map(tls -> FarmTls.serverCredentials(
                            new CertificateFiles(tls.certificateChain(), tls.privateKey()), tls.clientCertificates()))
                    .orElseGet(InsecureServerCredentials::create);
            // The standard health service answers without the farm token (load balancers,
            // grpc_health_probe); reflection lists the services to callers that present it.
            HealthStatusManager healthStatus = new HealthStatusManager();
            Server server = NettyServerBuilder.forAddress(
                            new InetSocketAddress(listen.host(), listen.port()), serverCredentials)
                    .executor(grpc)
                    .intercept(new MetricCollectingServerInterceptor(meters))
                    .addService(healthStatus.getHealthService())
                    .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
                    .addService(ServerInterceptors.intercept(
                            new NodeServiceImpl(
                                    new NodeHandshake(jdbi, registry, events, attempts, leases, grace, id),
                                    handler,
                                    nodeEvents,
                                    heartbeats,
                                    blobs,
                                    streamer,
                                    uploads),
                            auth,
                            new ClientCertificates()))
                    .addService(ServerInterceptors.intercept(
                            new JobServiceImpl(
                                    submitter,
                                    queries,
                                    control,
                                    blobs,
                                    new JobStreams(queries, watchers, blobs, streamer, watchTimer),
                                    new SnapshotCalls(snapshots, snapshotCalls, json),
                                    json),
                            auth))
                    .addService(ServerInterceptors.intercept(
                            new FarmAdminServiceImpl(nodeControl, jdbi, control, snapshotStore, credentials, health),
                            auth))
                    .addService(ServerInterceptors.intercept(
                            new TemplateServiceImpl(templates, revisions, jdbi, installs, maxPackageBytes, scratch),
                            auth))
                    .addService(ServerInterceptors.intercept(
                            CatalogParts.service(jdbi, blobs, streamer, snapshots, submitter, jobEnds, resources),
                            auth))
                    // A job's bindings embed up to 5 MiB of files (6.7 MB as base64).
                    .maxInboundMessageSize(16 * 1024 * 1024)
                    // Nodes hold their control streams for days; keepalives find dead peers.
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .build();
            // Chunks still out on nodes (this orchestrator was killed, or restarted) get one
            // more lease before any node is heard and the reaper looks, so their nodes can
            // reconnect and keep them (RestartGrace).
            int graced = grace.begin();
            if (graced > 0) {
                log.info("{} chunk(s) out on nodes; waiting for their nodes to reconnect", graced);
            }
            server.start();
            resources.onClose(() -> stop(server, registry, handler));
            resources.onClose(healthStatus::enterTerminalState);
            health.start();
            scheduler.start();
            reaper.start();
            renewals.start();
            nodeControl.start(config.scheduler().heartbeatInterval());
            metrics.start(java.time.Duration.ofSeconds(5));
            healthStatus.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
            for (var service : server.getServices()) {
                healthStatus.setStatus(
                        service.getServiceDescriptor().getName(), HealthCheckResponse.ServingStatus.SERVING);
            }
            // Jobs left mid-assembly (by a previous run, or another orchestrator that died) are
            // assembled by the reaper's sweep, which runs at once.
            log.info(
                    "orchestrator {} listening on {}:{} ({}), data in {}",
                    id,
                    listen.host(),
                    server.getPort(),
                    listen.tls().map(tls -> tls.mutual() ? "mutual TLS" : "TLS").orElse("plain text"),
                    data);
            return new Orchestrator(new Running(id, server, templates, registry, resources, meters, jdbi, credentials));
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    public UUID id() {
        return running.id();
    }

    /** The orchestrator's meters (and the JVM's), for a metrics endpoint to serve. */
    public PrometheusMeterRegistry meters() {
        return running.meters();
    }

    /**
     * Empty when it can do its work (serving, and its database answers within two seconds);
     * else why not. For the readiness endpoint.
     */
    public java.util.Optional<String> notReady() {
        if (running.server().isShutdown()) {
            return java.util.Optional.of("shutting down");
        }
        try {
            running.jdbi().useHandle(handle -> {
                handle.execute("SET LOCAL statement_timeout = 2000");
                handle.createQuery("SELECT 1").mapTo(Integer.class).one();
            });
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("the database does not answer: " + e.getMessage());
        }
    }

    public int port() {
        return running.server().getPort();
    }

    /**
     * The credentials this farm issues, for a process that runs the orchestrator in itself
     * ({@code dev}, {@code demo}, tests) to enrol its own nodes and gateway without a call.
     */
    public FarmCredentials credentials() {
        return running.credentials();
    }

    public TemplateCatalog templates() {
        return running.templates();
    }

    /** Nodes connected right now. */
    public int connectedNodes() {
        return running.registry().size();
    }

    public void awaitTermination() throws InterruptedException {
        running.server().awaitTermination();
    }

    @Override
    public void close() {
        running.resources().close();
        log.info("orchestrator {} stopped", running.id());
    }

    private static void stop(Server server, NodeRegistry registry, NodeEventHandler handler)
            throws InterruptedException {
        // Nodes are told to go, so they reconnect (to another orchestrator, or this one
        // restarted) at once rather than after the server's grace period; their chunks keep
        // their leases meanwhile, so they keep their work.
        handler.shutdown();
        for (NodeSession session : registry.sessions()) {
            session.close(io.grpc.Status.UNAVAILABLE.withDescription("the orchestrator is shutting down"));
        }
        server.shutdown();
        if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
            server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
