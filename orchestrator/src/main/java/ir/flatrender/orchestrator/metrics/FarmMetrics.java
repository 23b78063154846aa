package ir.flatrender.orchestrator.metrics;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's own meters, as Prometheus sees them: {@code flatrender_dispatches_total},
 * {@code flatrender_slot_wait_seconds} (a free slot to its next assignment, with p50 and p99),
 * {@code flatrender_chunks_completed_total} and {@code flatrender_frames_rendered_total} by
 * engine, {@code flatrender_render_seconds} by engine (the nodes' own timings),
 * {@code flatrender_crashes_total} by kind, {@code flatrender_repairs_total} by check,
 * {@code flatrender_chunks} by state (pending, assigned, running; counted in the database every
 * few seconds, so it covers every orchestrator's work), and {@code flatrender_nodes} and
 * {@code flatrender_node_slots} for the nodes connected here.
 */
public final class FarmMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FarmMetrics.class);
    private static final List<String> CHUNK_STATES = List.of("pending", "assigned", "running");

    private final MeterRegistry registry;
    private final Jdbi jdbi;
    private final Timer slotWait;
    private final Timer assembly;
    private final Map<String, AtomicLong> chunks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public FarmMetrics(MeterRegistry registry, Jdbi jdbi) {
        this.registry = requireNonNull(registry, "registry is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.slotWait = Timer.builder("flatrender.slot.wait")
                .description("From a node's slot freeing while work waits to its next assignment")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.assembly = Timer.builder("flatrender.assembly")
                .description("Time to assemble a job's export once its chunks are done: segment checks, join,"
                        + " export check, thumbnail")
                .register(registry);
        for (String state : CHUNK_STATES) {
            AtomicLong count = new AtomicLong();
            chunks.put(state, count);
            Gauge.builder("flatrender.chunks", count, AtomicLong::get)
                    .description("Chunks in the farm by state")
                    .tag("state", state)
                    .register(registry);
        }
        // Every series exists from the start, at zero, so rates and dashboards see it before
        // its first event.
        for (String engine : ir.flatrender.orchestrator.templates.TemplateManifestParser.ENGINES) {
            dispatched(engine, 0);
            chunkCompleted(engine, 0, 0);
            renderTimer(engine);
        }
        for (ir.flatrender.orchestrator.failures.FailureKind kind :
                ir.flatrender.orchestrator.failures.FailureKind.values()) {
            crashes(kind.dbName());
        }
        for (String check : List.of("segment_check", "export_check", "operator")) {
            repairs(check);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "farm-metrics");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Duration period) {
        timer.scheduleWithFixedDelay(this::countChunks, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void countChunks() {
        try {
            Map<String, Long> counted = new ConcurrentHashMap<>();
            jdbi.useHandle(handle -> handle.createQuery("""
                            SELECT state, count(*) AS n FROM render.frame_jobs
                            WHERE state IN ('pending', 'assigned', 'running') GROUP BY state
                            """)
                    .mapToMap()
                    .forEach(row -> counted.put((String) row.get("state"), ((Number) row.get("n")).longValue())));
            chunks.forEach((state, count) -> count.set(counted.getOrDefault(state, 0L)));
        } catch (RuntimeException e) {
            log.debug("could not count chunks: {}", e.toString());
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void dispatched(String engine) {
        dispatched(engine, 1);
    }

    private void dispatched(String engine, int count) {
        Counter.builder("flatrender.dispatches")
                .description("Chunk attempts handed to nodes")
                .tag("engine", engine)
                .register(registry)
                .increment(count);
    }

    public void slotWaited(long nanos) {
        slotWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void assembled(long nanos) {
        assembly.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts completed chunks and failed attempts as the jobs domain announces them. */
    public void subscribeTo(DomainEvents events) {
        events.subscribe(FarmEvent.ChunkCompleted.class, event -> {
            ChunkRow chunk = event.chunk();
            chunkCompleted(chunk.engine(), chunk.isAudioTask() ? 0 : chunk.frameEnd() - chunk.frameStart() + 1);
        });
        events.subscribe(
                FarmEvent.AttemptFailed.class, event -> crashed(event.kind().dbName()));
        events.subscribe(FarmEvent.ChunkRendered.class, event -> rendered(event.engine(), event.millis()));
        events.subscribe(FarmEvent.JobAssembled.class, event -> assembled(event.nanos()));
        events.subscribe(FarmEvent.ChunkRepaired.class, event -> repaired(event.detectedBy()));
    }

    public void chunkCompleted(String engine, int frames) {
        chunkCompleted(engine, 1, frames);
    }

    private void chunkCompleted(String engine, int chunks, int frames) {
        Counter.builder("flatrender.chunks.completed")
                .description("Chunks whose segment was accepted")
                .tag("engine", engine)
                .register(registry)
                .increment(chunks);
        Counter.builder("flatrender.frames.rendered")
                .description("Frames in accepted segments")
                .tag("engine", engine)
                .register(registry)
                .increment(frames);
    }

    public void rendered(String engine, long millis) {
        renderTimer(engine).record(millis, TimeUnit.MILLISECONDS);
    }

    private Timer renderTimer(String engine) {
        return Timer.builder("flatrender.render")
                .description("Time nodes spent rendering and encoding a chunk, as they report it")
                .tag("engine", engine)
                .register(registry);
    }

    public void crashed(String kind) {
        crashes(kind).increment();
    }

    private Counter crashes(String kind) {
        return Counter.builder("flatrender.crashes")
                .description("Failed chunk attempts by kind")
                .tag("kind", kind)
                .register(registry);
    }

    public void repaired(String detectedBy) {
        repairs(detectedBy).increment();
    }

    private Counter repairs(String detectedBy) {
        return Counter.builder("flatrender.repairs")
                .description("Chunks sent back to render after a check found their frames wrong")
                .tag("detected_by", detectedBy)
                .register(registry);
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
