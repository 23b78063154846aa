package ir.flatrender.tools.bench;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.tools.options.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The benchmarks' load generator: simulated nodes in this JVM until it is stopped. */
@Command(
        name = "bench-nodes",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Simulated render nodes for the benchmarks (each its own gRPC connection).")
public final class BenchNodesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--nodes", defaultValue = "1000")
    int nodes;

    @Option(names = "--slots", defaultValue = "1")
    int slots;

    @Option(names = "--frame-millis", defaultValue = "0", description = "How long a slot is held per frame.")
    long frameMillis;

    @Option(names = "--prefix", defaultValue = "sim")
    String prefix;

    @Override
    public Integer call() throws Exception {
        Path segment = Files.createTempFile("bench-segment", ".ts");
        FfmpegBinaries ffmpeg = FfmpegBinaries.locate(Optional.empty(), Optional.empty());
        ProcessBuilder make = new ProcessBuilder(ffmpeg.ffmpegCommand(List.of(
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=black:s=16x16:r=30",
                        "-frames:v",
                        "1",
                        "-c:v",
                        "libx264",
                        "-f",
                        "mpegts",
                        "-y",
                        segment.toString())))
                .inheritIO();
        make.environment().putAll(ffmpeg.environment());
        if (make.start().waitFor() != 0) {
            throw new IllegalStateException("ffmpeg could not make the benchmark's segment");
        }
        try (SimulatedNodes simulated = SimulatedNodes.start(
                client.orchestrator(), client.token(), prefix, nodes, slots, Duration.ofMillis(frameMillis), segment)) {
            spec.commandLine().getOut().printf("%d simulated nodes started%n", nodes);
            spec.commandLine().getOut().flush();
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
                spec.commandLine()
                        .getOut()
                        .printf("%d welcomed, %d chunks done%n", simulated.welcomed(), simulated.completed());
                spec.commandLine().getOut().flush();
            }
        } finally {
            Files.deleteIfExists(segment);
        }
        return 0;
    }
}
