package ir.flatrender.tools.farm;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.migrations.Database;
import ir.flatrender.orchestrator.Orchestrator;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.tools.options.DatabaseOptions;
import ir.flatrender.tools.options.MetricsOption;
import ir.flatrender.tools.options.OrchestratorOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The orchestrator as the dispatch benchmark runs it, in a JVM of its own so that a test can
 * kill it with SIGKILL: it schedules and takes segments by their size and sha256 alone (the
 * simulated nodes' segments are one tiny file for every chunk, which the real checks refuse),
 * and assembles nothing. It takes {@code flatrender orchestrator}'s options (an external
 * database only) and runs until it is killed; the test's {@link OrchestratorProcess} starts it.
 */
@Command(name = "scheduling-only-orchestrator")
final class SchedulingOnlyOrchestrator implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Mixin
    OrchestratorOptions orchestrator;

    /** Accepted as the real command takes it; no metrics endpoint is served. */
    @Mixin
    MetricsOption metrics;

    @Option(names = "--listen", required = true)
    String listen;

    @Option(names = "--data-dir", required = true)
    Path dataDirectory;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SchedulingOnlyOrchestrator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        OrchestratorConfig config = orchestrator
                .apply(OrchestratorConfig.builder(
                        dataDirectory.toAbsolutePath(), System.getenv("FLATRENDER_FARM_TOKEN")))
                .listen(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)))
                .verifySegments(false)
                .assemblyThreads(0)
                .build();
        ObjectMapper json = new ObjectMapper();
        try (Database db = Database.connect(
                        database.external().orElseThrow(() -> new IllegalArgumentException("--db-url is required")),
                        "orchestrator",
                        json);
                Orchestrator running = Orchestrator.start(
                        config, db, FfmpegBinaries.locate(Optional.empty(), Optional.empty()), json)) {
            System.out.printf("orchestrator %s listening on %s%n", running.id(), listen);
            System.out.flush();
            // Until it is killed: the test stops it with a signal, never from inside.
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
