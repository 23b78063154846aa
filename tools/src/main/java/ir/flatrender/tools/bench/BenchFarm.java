package ir.flatrender.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.orchestrator.Orchestrator;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.options.ClientOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the benchmarks run against: an embedded PostgreSQL, an orchestrator in this JVM (so its
 * CPU and heap can be read) that schedules but does not assemble and does not decode segments,
 * the sample template, and the load generator's nodes in a JVM of their own.
 */
final class BenchFarm implements AutoCloseable {
    private final Path directory;
    private final EmbeddedPostgresServer postgres;
    private final Database database;
    final Orchestrator orchestrator;
    final String token;
    private final ManagedChannel channel;
    final JobClient jobs;
    private Process generator;

    private BenchFarm(
            Path directory,
            EmbeddedPostgresServer postgres,
            Database database,
            Orchestrator orchestrator,
            String token,
            ManagedChannel channel) {
        this.directory = directory;
        this.postgres = postgres;
        this.database = database;
        this.orchestrator = orchestrator;
        this.token = token;
        this.channel = channel;
        this.jobs = new JobClient(channel, Duration.ofSeconds(60));
    }

    static BenchFarm start(Path directory, int pool) throws IOException {
        Files.createDirectories(directory);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(
                // A benchmark's throwaway cluster: fast settings, as its figures always had.
                EmbeddedPostgresConfig.persistent(directory.resolve("postgres")).withDurable(false));
        postgres.ensureDatabase("bench", null);
        ObjectMapper json = new ObjectMapper();
        Database database = Database.connect(
                DatabaseConfig.of(postgres.jdbcUrl("bench") + System.getProperty("bench.url.suffix", ""))
                        .withMaxPoolSize(pool),
                "bench",
                json);
        String token = FarmToken.generate();
        OrchestratorConfig config = OrchestratorConfig.builder(directory.resolve("orchestrator"), token)
                .listen("127.0.0.1", 0)
                .verifySegments(false) // the synthetic segments are checked by size and sha256 only
                .assemblyThreads(0) // no assembly: the benchmarks measure scheduling
                .build();
        Orchestrator orchestrator =
                Orchestrator.start(config, database, FfmpegBinaries.locate(Optional.empty(), Optional.empty()), json);
        ManagedChannel channel = ClientOptions.channel("127.0.0.1:" + orchestrator.port(), token, Optional.empty());
        return new BenchFarm(directory, postgres, database, orchestrator, token, channel);
    }

    /**
     * Queues {@code jobs} jobs of {@code chunksPerJob} one-frame chunks of the sample template,
     * each paused as soon as it is queued (no node is connected yet), and answers their ids.
     */
    List<String> queuePaused(int jobCount, int chunksPerJob) throws Exception {
        if (chunksPerJob > 300) {
            throw new IllegalArgumentException("the sample template has 300 frames: at most 300 chunks a job");
        }
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> submitted = new ArrayList<>();
            for (int i = 0; i < jobCount; i++) {
                int n = i;
                submitted.add(submitters.submit(() -> {
                    String id = jobs.submit(SubmitJobRequest.newBuilder()
                                    .setTemplateId("sample-promo")
                                    .setAspect("16:9")
                                    .setTier("360p")
                                    .setFrames(
                                            FrameRange.newBuilder().setStart(0).setEnd(chunksPerJob - 1))
                                    .setChunkFrames(1)
                                    .setBindings(Struct.newBuilder()
                                            .putFields(
                                                    "title_en",
                                                    Value.newBuilder()
                                                            .setStringValue("bench " + n)
                                                            .build()))
                                    .build())
                            .getJob()
                            .getId();
                    jobs.pause(id, "queued for a benchmark");
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> id : submitted) {
                ids.add(id.get());
            }
            // The planner's statistics of a table loaded in one go, as autovacuum would make them
            // a minute later: without them the claim sorts every pending chunk (70 ms) instead of
            // reading the pending index in order (0.5 ms).
            database.jdbi()
                    .useHandle(h -> h.execute("ANALYZE render.frame_jobs, render.render_jobs, render.job_node_blocks"));
            return ids;
        } finally {
            submitters.shutdownNow();
        }
    }

    void resumeAll(List<String> ids) throws Exception {
        ExecutorService resumers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String id : ids) {
                done.add(resumers.submit(() -> jobs.resume(id, "benchmark")));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            resumers.shutdownNow();
        }
    }

    /** Starts the load generator's nodes in a JVM of their own and waits until all are connected. */
    void startNodes(int count, Duration perFrame) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "ir.flatrender.tools.FlatRender",
                "bench-nodes",
                "--orchestrator",
                "127.0.0.1:" + orchestrator.port(),
                "--nodes",
                Integer.toString(count),
                "--frame-millis",
                Long.toString(perFrame.toMillis())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("generator.log").toFile());
        builder.environment().put("FLATRENDER_FARM_TOKEN", token);
        generator = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (orchestrator.connectedNodes() < count) {
            if (!generator.isAlive()) {
                throw new IllegalStateException("the load generator exited; see " + directory.resolve("generator.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + orchestrator.connectedNodes() + " of " + count + " nodes connected in 3 minutes");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    void stopNodes() throws InterruptedException {
        if (generator != null && generator.isAlive()) {
            generator.destroy();
            if (!generator.waitFor(20, TimeUnit.SECONDS)) {
                generator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    double dispatches() {
        return orchestrator.meters().find("flatrender.dispatches").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    double completed() {
        return orchestrator.meters().find("flatrender.chunks.completed").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** The slot-wait percentile in milliseconds (over Micrometer's recent window). */
    double slotWaitMillis(double percentile) {
        Timer timer = orchestrator.meters().find("flatrender.slot.wait").timer();
        if (timer == null) {
            return Double.NaN;
        }
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (Math.abs(value.percentile() - percentile) < 1e-9) {
                return value.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    /** Transactions committed or rolled back in the benchmark's database so far. */
    long transactions() {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
                        .mapTo(Long.class)
                        .one());
    }

    /** This JVM's CPU time so far, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Heap in use after a full collection, in bytes. */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        try {
            stopNodes();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // Interrupted while waiting: the rest is still closed, and the interrupt kept.
            Thread.currentThread().interrupt();
        }
        orchestrator.close();
        database.close();
        postgres.close();
    }
}
