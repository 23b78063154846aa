package ir.flatrender.tools.processes;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.ManagedChannel;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.Logging;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.jobs.ProgressPrinter;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.options.EngineOptions;
import ir.flatrender.tools.options.FfmpegOption;
import ir.flatrender.tools.options.OrchestratorOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        description = "Render the bundled sample template on a farm started for the purpose (embedded PostgreSQL, "
                + "an orchestrator and render nodes as real gRPC peers on loopback), then stop it.",
        footer = {
            "",
            "Examples:",
            "  flatrender demo",
            "  flatrender demo --out /tmp/x --nodes 3 --tier 720p --aspect 9:16"
        })
public final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    OrchestratorOptions orchestrator;

    @Mixin
    FfmpegOption ffmpeg;

    @Mixin
    EngineOptions engines;

    @Option(
            names = "--out",
            defaultValue = "flatrender-demo",
            description = "Folder for the video (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--nodes", defaultValue = "2", description = "Render nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--tier",
            defaultValue = "1080p",
            description = "Quality tier: 360p … 2160p (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(
            names = "--aspect",
            defaultValue = "16:9",
            description = "Aspect: 16:9, 1:1 or 9:16 (default: ${DEFAULT-VALUE}).")
    String aspect;

    @Option(
            names = "--template",
            defaultValue = "sample-promo",
            description = "Template to render (default: ${DEFAULT-VALUE}).")
    String template;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1");
        }
        // The demo's own lines only, unless --verbose (flatrender's option): then the farm's too.
        if (!root.verbose()) {
            Logging.setFarmLevel("WARN");
        }
        PrintWriter console = spec.commandLine().getOut();
        Path scratch = Files.createTempDirectory("flatrender-demo-");
        try {
            return run(console, scratch);
        } finally {
            MoreFiles.deleteRecursively(scratch, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private int run(PrintWriter console, Path scratch) throws Exception {
        console.printf("starting an embedded PostgreSQL, an orchestrator and %d render node(s)…%n", nodes);
        console.flush();
        String token = FarmToken.generate();
        OrchestratorConfig config = orchestrator
                .apply(OrchestratorConfig.builder(scratch.resolve("orchestrator"), token))
                .listen("127.0.0.1", 0)
                .build();
        LocalFarm.Options options = new LocalFarm.Options(
                Optional.empty(), Optional.empty(), 0, config, nodes, 1, ffmpeg.path(), engines.settings());
        try (ir.flatrender.tools.zarinpal.ZarinPalEmulator zarinPal =
                        ir.flatrender.tools.zarinpal.ZarinPalEmulator.start("127.0.0.1", 0, java.util.Set.of());
                LocalFarm farm = LocalFarm.start(options, root.json());
                ir.flatrender.gateway.Gateway gateway = FarmGateway.start(
                        farm,
                        scratch.resolve("gateway"),
                        farm.gatewayCredential("local-gateway"),
                        farm.consoleCredential("local-console"),
                        new Listen("127.0.0.1", 0),
                        new FarmGateway.Options(Optional.empty(), Optional.of(zarinPal.baseUrl()), Optional.empty()),
                        root.json())) {
            farm.awaitNodes(Duration.ofSeconds(60));
            console.printf(
                    "farm ready: orchestrator %s, %d node(s) connected, REST gateway http://127.0.0.1:%d%n",
                    farm.target(), nodes, gateway.port());
            DemoCheckout.Paid paid = new DemoCheckout(gateway.port(), root.json()).buy("pro");
            console.printf(
                    Locale.ROOT,
                    "payment: the %s plan bought through the payment broker and the ZarinPal emulator, ref %s;"
                            + " wallet credited %,d Rial%n",
                    paid.plan(),
                    paid.refId(),
                    paid.creditedRial());
            console.flush();
            ManagedChannel channel = ClientOptions.channel(farm.target(), token, Optional.empty());
            try {
                return render(console, new JobClient(channel, Duration.ofSeconds(30)), farm.nodes());
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private int render(PrintWriter console, JobClient client, List<RenderNode> farmNodes) throws IOException {
        long started = System.nanoTime();
        Job job = client.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId(template)
                        .setAspect(aspect)
                        .setTier(tier)
                        .setIdempotencyKey("demo-" + UUID.randomUUID())
                        .build())
                .getJob();
        console.printf(
                "job %s: %s %s %s → %dx%d, %d frames at %d fps in %d chunks%n",
                job.getId(),
                job.getTemplateId(),
                job.getAspect(),
                job.getTier(),
                job.getOutputSize().getWidth(),
                job.getOutputSize().getHeight(),
                job.getTotalFrames(),
                job.getFps(),
                job.getChunksTotal());
        console.printf("chunks: %s%n", job.getChunkPlan());
        console.flush();
        ProgressPrinter progress = new ProgressPrinter(console, root.interactive());
        Job finished = client.follow(job.getId(), progress::update);
        progress.finish();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (finished.getState() != JobState.JOB_STATE_SUCCEEDED) {
            spec.commandLine()
                    .getErr()
                    .printf("job %s ended %s: %s%n", job.getId(), finished.getState(), finished.getError());
            return ExitCodes.JOB_FAILED;
        }
        Job detailed = client.get(job.getId(), true);
        String name = String.format(Locale.ROOT, "%s-%s-%s", template, aspect.replace(':', 'x'), tier);
        Path video = out.toAbsolutePath().resolve(name + ".mp4");
        client.download(job.getId(), video);
        Path thumbnail = out.toAbsolutePath().resolve(name + ".jpg");
        Files.copy(
                Path.of(detailed.getExport().getThumbnailLocation()), thumbnail, StandardCopyOption.REPLACE_EXISTING);

        console.printf(
                Locale.ROOT,
                "rendered %d frames (%dx%d %s, %.1f s of video) in %.1f s: %.1f frames per second%n",
                detailed.getExport().getFrameCount(),
                detailed.getExport().getSize().getWidth(),
                detailed.getExport().getSize().getHeight(),
                detailed.getExport().getCodec(),
                detailed.getExport().getDurationMillis() / 1000.0,
                seconds,
                detailed.getExport().getFrameCount() / seconds);
        Map<String, int[]> perNode = new TreeMap<>();
        for (Chunk chunk : detailed.getChunksList()) {
            int[] counts = perNode.computeIfAbsent(chunk.getNodeName(), n -> new int[2]);
            counts[0]++;
            counts[1] += chunk.getFrames().getEnd() - chunk.getFrames().getStart() + 1;
        }
        Map<String, TemplateCache> caches = new TreeMap<>();
        farmNodes.forEach(node -> caches.put(node.name(), node.cache()));
        console.println("chunks per node (and its template cache):");
        perNode.forEach((node, counts) -> {
            TemplateCache cache = caches.get(node);
            console.printf("  %-10s %2d chunks, %4d frames", node, counts[0], counts[1]);
            if (cache != null) {
                long lookups = cache.hits() + cache.misses();
                console.printf(
                        Locale.ROOT,
                        "; cache %d hit(s), %d miss(es) (%.0f%% hits), %s fetched",
                        cache.hits(),
                        cache.misses(),
                        lookups == 0 ? 0.0 : 100.0 * cache.hits() / lookups,
                        bytes(cache.bytesFetched()));
            }
            console.println();
        });
        console.printf("thumbnail: %s%n", thumbnail);
        console.printf("output: %s%n", video);
        console.flush();
        return ExitCodes.OK;
    }

    private static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        return count < 1024 * 1024
                ? String.format(Locale.ROOT, "%.1f KiB", count / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", count / (1024.0 * 1024));
    }
}
