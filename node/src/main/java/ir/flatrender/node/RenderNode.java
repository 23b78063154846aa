package ir.flatrender.node;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.observability.MetricsEndpoint;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.tls.FarmTls;
import ir.flatrender.node.control.ControlStream;
import ir.flatrender.node.control.EventMapper;
import ir.flatrender.node.control.GrpcPackageSource;
import ir.flatrender.node.control.OrchestratorAddresses;
import ir.flatrender.node.control.SegmentUploader;
import ir.flatrender.node.engines.EngineDetection;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.node.work.ChunkLimits;
import ir.flatrender.node.work.RenderStage;
import ir.flatrender.node.work.ReportStage;
import ir.flatrender.node.work.TemplateStage;
import ir.flatrender.node.work.UploadStage;
import ir.flatrender.node.work.Worker;
import ir.flatrender.proto.farm.v1.NodeEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A render node's composition root: builds the node, connects it, and closes it in reverse order. */
public final class RenderNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RenderNode.class);
    public static final String VERSION = Optional.ofNullable(
                    RenderNode.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final NodeConfig config;
    private final ControlStream control;
    private final TemplateCache cache;
    private final Deque<AutoCloseable> closeables;

    private final PrometheusMeterRegistry meters;

    private RenderNode(
            NodeConfig config,
            ControlStream control,
            TemplateCache cache,
            Deque<AutoCloseable> closeables,
            PrometheusMeterRegistry meters) {
        this.meters = meters;
        this.config = config;
        this.control = control;
        this.cache = cache;
        this.closeables = closeables;
    }

    /** Starts the node; it connects in the background and keeps reconnecting until closed. */
    public static RenderNode start(NodeConfig config, TimelineFonts fonts, ObjectMapper json) throws IOException {
        return start(config, fonts, json, MetricsEndpoint.registry());
    }

    /** Starts the node with its meters in the given registry (see {@link #meters()}). */
    public static RenderNode start(
            NodeConfig config, TimelineFonts fonts, ObjectMapper json, PrometheusMeterRegistry meters)
            throws IOException {
        requireNonNull(meters, "meters is null");
        requireNonNull(config, "config is null");
        requireNonNull(fonts, "fonts is null");
        requireNonNull(json, "json is null");
        Deque<AutoCloseable> closeables = new ArrayDeque<>();
        try {
            Files.createDirectories(config.workDirectory());
            // A node killed mid-attempt left partial segments; none of them is wanted now.
            new ir.flatrender.node.work.WorkDirectory(config.workDirectory()).removeLeftovers();
            Files.createDirectories(config.cache().directory());
            FfmpegBinaries ffmpeg = FfmpegBinaries.locate(config.ffmpeg(), Optional.empty());
            ProcessSupervisor supervisor = push(closeables, new ProcessSupervisor(Duration.ofSeconds(3)));

            // Executors before the channel, so they outlive it: the channel's last callbacks
            // (a stream closing) still find them running when the node shuts down.
            ExecutorService io = push(closeables, Executors.newFixedThreadPool(2, named(config.name() + "-io")));
            ScheduledExecutorService timer =
                    push(closeables, Executors.newSingleThreadScheduledExecutor(named(config.name() + "-timer")));
            NodeConfig.Connection connection = config.connection();
            // The certificate files are read again when they change: each reconnection uses
            // the ones on disk then (a renewed node certificate needs no restart).
            ChannelCredentials credentials = connection
                    .trustedCertificates()
                    .map(trusted -> FarmTls.channelCredentials(trusted, connection.clientCertificate()))
                    .orElseGet(InsecureChannelCredentials::create);
            OrchestratorAddresses.register();
            ManagedChannel managed = NettyChannelBuilder.forTarget(
                            OrchestratorAddresses.target(connection.orchestrator()), credentials)
                    .defaultServiceConfig(OrchestratorAddresses.serviceConfig())
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    .keepAliveWithoutCalls(true)
                    // An assignment carries the job's bindings, with up to 5 MiB of embedded files.
                    .maxInboundMessageSize(16 * 1024 * 1024)
                    .build();
            closeables.push(() -> {
                managed.shutdown();
                if (!managed.awaitTermination(5, TimeUnit.SECONDS)) {
                    managed.shutdownNow();
                }
            });
            Metadata token = new Metadata();
            token.put(
                    Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + connection.farmToken());
            Channel channel = ClientInterceptors.intercept(managed, MetadataUtils.newAttachHeadersInterceptor(token));

            TemplateCache cache = new TemplateCache(
                    config.cache().directory(),
                    new GrpcPackageSource(channel, Duration.ofMinutes(10)),
                    config.cache().budget().toBytes(),
                    json,
                    Clock.systemUTC());
            Engines engines = new Engines(
                    EngineDetection.detect(config.engines(), fonts, supervisor, json, config.workDirectory()));

            AtomicReference<String> nodeId = new AtomicReference<>("");
            ir.flatrender.node.health.GpuProbe gpu = push(closeables, ir.flatrender.node.health.GpuProbe.start());
            NodeAgent agent = new NodeAgent(
                    config,
                    engines,
                    cache,
                    nodeId,
                    new NodeAgent.Host(VERSION, hostname()),
                    timer,
                    new ResourceSampler(config.workDirectory(), gpu));
            ControlStream control =
                    new ControlStream(channel, agent, timer, io, connection.minBackoff(), connection.maxBackoff());
            closeables.push(control);
            // Every change of the cache reaches the orchestrator (affinity, node_template_cache);
            // a reconnecting node's hello carries the whole of it again.
            cache.onChange(report -> control.send(NodeEvent.newBuilder()
                    .setCacheReport(EventMapper.cacheReport(report))
                    .build()));
            Worker.Stages stages = new Worker.Stages(
                    new TemplateStage(cache),
                    new RenderStage(
                            engines,
                            json,
                            supervisor,
                            ffmpeg,
                            config.workDirectory(),
                            new ChunkLimits(
                                    config.deadlines().chunk(),
                                    config.deadlines().noProgress())),
                    new UploadStage(
                            new SegmentUploader(channel, io, config.deadlines().upload()), nodeId::get),
                    new ReportStage(event -> control.send(EventMapper.event(event))));
            Worker worker = push(
                    closeables,
                    new Worker(
                            stages,
                            config.workDirectory(),
                            Executors.newFixedThreadPool(config.slots(), named(config.name() + "-slot"))));
            // Run before the worker's close (closeables run in reverse): the orchestrator hears
            // that the node is leaving before its attempts are stopped and reported cancelled,
            // so it gives them back instead of counting them as failures.
            closeables.push(() -> control.send(EventMapper.leaving("node shutting down")));
            agent.attach(worker);
            bindMeters(meters, config, cache, worker, control);
            control.start();
            log.info(
                    "node {} started: engines {}, {} slot(s), orchestrator {}",
                    config.name(),
                    engines.names(),
                    config.slots(),
                    connection.orchestrator());
            return new RenderNode(config, control, cache, closeables, meters);
        } catch (IOException | RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
    }

    public String name() {
        return config.name();
    }

    /** Completes when the orchestrator first accepts this node. */
    public java.util.concurrent.CompletableFuture<Void> welcomed() {
        return control.welcomed();
    }

    /** Whether the orchestrator has accepted this node on its current connection. */
    public boolean isConnected() {
        return control.isWelcomed();
    }

    public TemplateCache cache() {
        return cache;
    }

    /** The node's meters (and the JVM's), for a metrics endpoint to serve. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Empty while an orchestrator has accepted this node; else why it is not ready. */
    public Optional<String> notReady() {
        return control.isWelcomed()
                ? Optional.empty()
                : Optional.of("not connected to an orchestrator ("
                        + config.connection().orchestrator() + ")");
    }

    /**
     * The node's meters: {@code flatrender_node_cache_*_total} (hits, misses, bytes fetched,
     * evictions of its template cache), {@code flatrender_node_chunks_running},
     * {@code flatrender_node_slots} and {@code flatrender_node_connected}.
     */
    private static void bindMeters(
            MeterRegistry meters, NodeConfig config, TemplateCache cache, Worker worker, ControlStream control) {
        Tags node = Tags.of("node", config.name());
        FunctionCounter.builder(
                        "flatrender.node.cache.hits", cache, c -> c.report().hits())
                .description("Chunks whose template package was already cached")
                .tags(node)
                .register(meters);
        FunctionCounter.builder(
                        "flatrender.node.cache.misses", cache, c -> c.report().misses())
                .description("Chunks whose template package had to be fetched")
                .tags(node)
                .register(meters);
        FunctionCounter.builder(
                        "flatrender.node.cache.fetched", cache, c -> c.report().bytesFetched())
                .description("Bytes of template packages fetched")
                .baseUnit("bytes")
                .tags(node)
                .register(meters);
        FunctionCounter.builder(
                        "flatrender.node.cache.evictions",
                        cache,
                        c -> c.report().evictions())
                .description("Packages evicted to keep to the cache budget")
                .tags(node)
                .register(meters);
        Gauge.builder("flatrender.node.chunks.running", worker, w -> w.running().size())
                .description("Chunk attempts running on this node")
                .tags(node)
                .register(meters);
        Gauge.builder("flatrender.node.slots", config, NodeConfig::slots)
                .description("Chunks this node renders at once")
                .tags(node)
                .register(meters);
        Gauge.builder("flatrender.node.connected", control, c -> c.isWelcomed() ? 1 : 0)
                .description("1 while an orchestrator has accepted this node")
                .tags(node)
                .register(meters);
    }

    @Override
    public void close() {
        closeAll(closeables);
        log.info("node {} stopped", config.name());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeAll(Deque<AutoCloseable> closeables) {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("error while stopping the node", e);
            }
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> closeables, T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    private static <T extends ExecutorService> T push(Deque<AutoCloseable> closeables, T executor) {
        closeables.push(() -> {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        });
        return executor;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
