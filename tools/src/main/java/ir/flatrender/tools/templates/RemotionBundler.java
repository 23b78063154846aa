package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Bundles a Remotion template once, at push, with the runner's {@code bundle.mjs}. */
final class RemotionBundler {
    private final Path runner;
    private final Path nodeJs;

    RemotionBundler(Path runner, Path nodeJs) {
        this.runner = requireNonNull(runner, "runner is null");
        this.nodeJs = requireNonNull(nodeJs, "nodeJs is null");
    }

    void bundle(Path entry, Path out, PrintWriter console) throws IOException, InterruptedException {
        if (!Files.isRegularFile(runner.resolve("bundle.mjs"))) {
            throw new IllegalArgumentException("no Remotion runner in " + runner + "; pass --remotion-runner");
        }
        AtomicReference<String> error = new AtomicReference<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(
                            ProcessSpec.of(
                                            "remotion-bundle",
                                            List.of(
                                                    nodeJs.toString(),
                                                    runner.resolve("bundle.mjs").toString(),
                                                    "--entry",
                                                    entry.toAbsolutePath().toString(),
                                                    "--out",
                                                    out.toAbsolutePath().toString()),
                                            entry.toAbsolutePath().getParent())
                                    .withLimits(Duration.ofMinutes(10), Duration.ofMinutes(2), true),
                            line -> {
                                if (line.startsWith("error ")) {
                                    error.compareAndSet(null, line.substring(6));
                                }
                            },
                            line -> {})
                    .await();
            if (!outcome.succeeded()) {
                throw new IllegalArgumentException("bundling the Remotion template failed: "
                        + (error.get() != null ? error.get() : outcome.describe()));
            }
        }
        console.printf("bundled %s%n", entry.getFileName());
    }
}
