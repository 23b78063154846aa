package ir.flatrender.tools.bench;

import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.Logging;
import ir.flatrender.tools.admin.Table;
import ir.flatrender.tools.options.DurationConverter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmarks of the farm: dispatch rate, makespan efficiency, heap per node, render overhead. They print"
                        + " figures; see BENCHMARKS.md.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {
            "",
            "Examples:",
            "  flatrender bench dispatch --nodes 1000 --chunks 100000",
            "  flatrender bench efficiency --nodes 100 --chunk-millis 100",
            "  flatrender bench memory --nodes 1000",
            "  flatrender bench render --nodes 1,2"
        })
public final class BenchCommand {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--work-dir",
            description = "Where the benchmark's database and files go (default: a temporary one).")
    Path workDirectory;

    private Path directory() throws java.io.IOException {
        return workDirectory != null ? workDirectory.toAbsolutePath() : Files.createTempDirectory("flatrender-bench-");
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "dispatch",
            description = "N simulated nodes and a queue of M one-frame chunks across many jobs: sustained durable"
                    + " dispatches per second, slot-free → next assignment p50/p99, orchestrator CPU and heap, database"
                    + " transactions per second.")
    int dispatch(
            @Option(names = "--nodes", defaultValue = "1000") int nodes,
            @Option(names = "--chunks", defaultValue = "100000") int chunks,
            @Option(names = "--chunks-per-job", defaultValue = "100") int perJob,
            @Option(names = "--frame-millis", defaultValue = "0", description = "Slot held per frame (default: none).")
                    long frameMillis)
            throws Exception {
        Logging.setFarmLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        try (BenchFarm farm = BenchFarm.start(directory(), 32)) {
            int jobs = Math.max(1, chunks / perJob);
            long queueStart = System.nanoTime();
            List<String> ids = farm.queuePaused(jobs, perJob);
            out.printf(
                    Locale.ROOT, "queued %d chunks in %d jobs in %.1f s%n", jobs * perJob, jobs, seconds(queueStart));
            out.flush();
            farm.startNodes(nodes, Duration.ofMillis(frameMillis));
            out.printf("%d nodes connected%n", nodes);
            out.flush();
            Run run = measure(farm, ids, jobs * perJob);
            Table table = Table.of("FIGURE", "VALUE")
                    .row("nodes", nodes)
                    .row("chunks", jobs * perJob)
                    .row("wall time", String.format(Locale.ROOT, "%.2f s", run.seconds()))
                    .row("dispatches / s", String.format(Locale.ROOT, "%.0f", run.dispatches() / run.seconds()))
                    .row("completions / s", String.format(Locale.ROOT, "%.0f", run.completed() / run.seconds()))
                    .row("slot free → assignment p50", String.format(Locale.ROOT, "%.2f ms", run.p50()))
                    .row("slot free → assignment p99", String.format(Locale.ROOT, "%.2f ms", run.p99()))
                    .row("orchestrator CPU", String.format(Locale.ROOT, "%.2f cores", run.cores()))
                    .row("orchestrator heap after GC", String.format(Locale.ROOT, "%d MB", run.heap() >> 20))
                    .row(
                            "database transactions / s",
                            String.format(Locale.ROOT, "%.0f", run.transactions() / run.seconds()))
                    .row("machine", machine());
            table.print(out);
        }
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "efficiency",
            description = "Makespan against the ideal (total chunk time / slots) with chunks of a fixed length.")
    int efficiency(
            @Option(names = "--nodes", defaultValue = "100") int nodes,
            @Option(names = "--chunk-millis", defaultValue = "100") long chunkMillis,
            @Option(names = "--chunks-per-node", defaultValue = "20") int perNode)
            throws Exception {
        Logging.setFarmLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        try (BenchFarm farm = BenchFarm.start(directory(), 32)) {
            int chunks = nodes * perNode;
            int perJob = Math.min(100, chunks);
            List<String> ids = farm.queuePaused(Math.max(1, chunks / perJob), perJob);
            int queued = ids.size() * perJob;
            farm.startNodes(nodes, Duration.ofMillis(chunkMillis));
            Run run = measure(farm, ids, queued);
            double ideal = queued * chunkMillis / 1000.0 / nodes;
            Table table = Table.of("FIGURE", "VALUE")
                    .row("nodes", nodes)
                    .row("chunks", queued + " of " + chunkMillis + " ms")
                    .row("ideal makespan", String.format(Locale.ROOT, "%.2f s", ideal))
                    .row("makespan", String.format(Locale.ROOT, "%.2f s", run.seconds()))
                    .row("efficiency", String.format(Locale.ROOT, "%.1f %%", 100 * ideal / run.seconds()))
                    .row("slot free → assignment p99", String.format(Locale.ROOT, "%.2f ms", run.p99()))
                    .row("machine", machine());
            table.print(out);
        }
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "memory",
            description = "The orchestrator's heap with no node and with N idle connected nodes.")
    int memory(
            @Option(names = "--nodes", defaultValue = "1000") int nodes,
            @Option(names = "--settle", defaultValue = "10s", converter = DurationConverter.class) Duration settle)
            throws Exception {
        Logging.setFarmLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        try (BenchFarm farm = BenchFarm.start(directory(), 16)) {
            long before = BenchFarm.heapAfterGc();
            farm.startNodes(nodes, Duration.ZERO);
            // A few heartbeats from every node, so their sessions hold what they hold in use.
            LockSupport.parkNanos(settle.toNanos());
            long after = BenchFarm.heapAfterGc();
            Table table = Table.of("FIGURE", "VALUE")
                    .row("nodes connected", farm.orchestrator.connectedNodes())
                    .row("heap with no node", (before >> 20) + " MB")
                    .row("heap with the nodes", (after >> 20) + " MB")
                    .row("heap per node", String.format(Locale.ROOT, "%.1f KB", (after - before) / 1024.0 / nodes))
                    .row("machine", machine());
            table.print(out);
        }
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "render",
            description = "A real job (the demo's by default) on farms of 1 and 2 nodes against its engine rendering"
                    + " the same frames in one process with no farm: overhead, frames per second, assembly's share.")
    int render(
            @Option(names = "--template", defaultValue = "sample-promo") String template,
            @Option(names = "--aspect", defaultValue = "16:9") String aspect,
            @Option(names = "--tier", defaultValue = "1080p") String tier,
            @Option(
                            names = "--chunk-frames",
                            defaultValue = "0",
                            description = "Frames per chunk (default: the orchestrator's).")
                    int chunkFrames,
            @Option(
                            names = "--nodes",
                            split = ",",
                            defaultValue = "1,2",
                            description = "Farm sizes to run (default: ${DEFAULT-VALUE}).")
                    List<Integer> farmSizes)
            throws Exception {
        Logging.setFarmLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        if (farmSizes.isEmpty() || farmSizes.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes: farm sizes from 1 to 64");
        }
        RenderBench bench = new RenderBench(
                directory(),
                new com.fasterxml.jackson.databind.ObjectMapper(),
                java.util.Optional.empty(),
                ir.flatrender.node.engines.EngineSettings.timelineOnly(),
                new RenderBench.Shape(template, aspect, tier, chunkFrames));
        List<RenderBench.FarmRun> farms = new java.util.ArrayList<>();
        for (int nodes : farmSizes) {
            out.printf("farm of %d node(s): a warm-up job, then the timed one…%n", nodes);
            out.flush();
            farms.add(bench.farm(nodes));
        }
        out.println("the engine alone: a warm-up, then rendering only, then rendering + encoding + MP4…");
        out.flush();
        RenderBench.SoloRun solo = bench.solo(farms.get(0).row());
        for (RenderBench.FarmRun farm : farms) {
            if (farm.frames() != solo.frames()
                    || solo.frames() != farms.get(0).row().totalFrames()) {
                throw new IllegalStateException("the farm of " + farm.nodes() + " made " + farm.frames()
                        + " frames, the engine alone " + solo.frames() + "; the job has "
                        + farms.get(0).row().totalFrames());
            }
        }
        Table table = Table.of(
                "RUN",
                "WALL",
                "FRAMES / S",
                "AGAINST THE ENGINE ALONE",
                "ASSEMBLY",
                "CHUNKS",
                "NODES' RENDER",
                "CHUNK SPANS");
        table.row(
                "engine alone, render only",
                String.format(Locale.ROOT, "%.2f s", solo.renderOnlySeconds()),
                String.format(Locale.ROOT, "%.1f", solo.frames() / solo.renderOnlySeconds()),
                "",
                "",
                "",
                "",
                "");
        table.row(
                "engine alone + encode + MP4",
                String.format(Locale.ROOT, "%.2f s", solo.seconds()),
                String.format(Locale.ROOT, "%.1f", solo.frames() / solo.seconds()),
                "1.00",
                "",
                "",
                "",
                "");
        for (RenderBench.FarmRun farm : farms) {
            table.row(
                    "farm, " + farm.nodes() + " node(s)",
                    String.format(Locale.ROOT, "%.2f s", farm.seconds()),
                    String.format(Locale.ROOT, "%.1f", farm.frames() / farm.seconds()),
                    String.format(
                            Locale.ROOT,
                            "%.2f (%+.1f %%)",
                            farm.seconds() / solo.seconds(),
                            100 * (farm.seconds() / solo.seconds() - 1)),
                    String.format(
                            Locale.ROOT,
                            "%.2f s = %.1f %% (last chunk → done %.2f s)",
                            farm.assemblySeconds(),
                            100 * farm.assemblySeconds() / farm.seconds(),
                            farm.lastChunkToSucceededSeconds()),
                    farm.chunks(),
                    String.format(Locale.ROOT, "%.2f s", farm.nodeRenderSeconds()),
                    String.format(Locale.ROOT, "%.2f s", farm.chunkSpanSeconds()));
        }
        table.print(out);
        for (RenderBench.FarmRun farm : farms) {
            out.printf("farm of %d node(s): %s%n", farm.nodes(), farm.row().chunkPlan());
        }
        out.printf(
                Locale.ROOT,
                "%s %s %s: %d frames at %dx%d; %s%n",
                template,
                aspect,
                tier,
                solo.frames(),
                farms.get(0).row().renderWidth(),
                farms.get(0).row().renderHeight(),
                machine());
        return ExitCodes.OK;
    }

    private record Run(
            double seconds,
            double dispatches,
            double completed,
            double p50,
            double p99,
            double cores,
            long heap,
            long transactions) {}

    /** From the jobs' resume until every chunk is done. */
    private static Run measure(BenchFarm farm, List<String> ids, int chunks) throws Exception {
        double dispatchedBefore = farm.dispatches();
        double completedBefore = farm.completed();
        long transactionsBefore = farm.transactions();
        long cpuBefore = BenchFarm.cpuNanos();
        long start = System.nanoTime();
        farm.resumeAll(ids);
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        while (farm.completed() - completedBefore < chunks) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done in 30 minutes");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        double seconds = seconds(start);
        long cpu = BenchFarm.cpuNanos() - cpuBefore;
        return new Run(
                seconds,
                farm.dispatches() - dispatchedBefore,
                farm.completed() - completedBefore,
                farm.slotWaitMillis(0.5),
                farm.slotWaitMillis(0.99),
                cpu / 1e9 / seconds,
                BenchFarm.heapAfterGc(),
                farm.transactions() - transactionsBefore);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                                .getTotalMemorySize()
                        >> 30)
                + " GiB, Java " + Runtime.version().feature();
    }
}
