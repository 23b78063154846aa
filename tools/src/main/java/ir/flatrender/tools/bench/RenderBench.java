package ir.flatrender.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Timer;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.encoding.EncoderProfile;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentEncoder;
import ir.flatrender.node.encoding.SegmentFormat;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineDetection;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.jobs.EncoderSettings;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.SampleTemplates;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.processes.LocalFarm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The {@code render} benchmark: a real job (a bundled sample, the demo's by default) on a farm of
 * real nodes started in this JVM, against the same engine rendering the same frames with the
 * same encoder settings in one process with no farm.
 */
final class RenderBench {
    /** The request the benchmark renders, everywhere. */
    record Shape(String template, String aspect, String tier, int chunkFrames) {}

    /** One timed job on the farm. */
    record FarmRun(
            int nodes,
            double seconds,
            int frames,
            int chunks,
            double assemblySeconds,
            double lastChunkToSucceededSeconds,
            double nodeRenderSeconds,
            double chunkSpanSeconds,
            JobRow row) {}

    /** The engine alone: rendering only, and rendering + encoding + the MP4. */
    record SoloRun(double renderOnlySeconds, double seconds, int frames) {}

    private final Path directory;
    private final ObjectMapper json;
    private final Optional<Path> ffmpegPath;
    private final EngineSettings engines;
    private final Shape shape;

    RenderBench(Path directory, ObjectMapper json, Optional<Path> ffmpegPath, EngineSettings engines, Shape shape) {
        this.directory = directory;
        this.json = json;
        this.ffmpegPath = ffmpegPath;
        this.engines = engines;
        this.shape = shape;
    }

    /**
     * A farm of {@code nodes} one-slot nodes: one job to warm it (JIT, the nodes' template
     * caches), then the timed one, from submit until the client sees it succeed.
     */
    FarmRun farm(int nodes) throws Exception {
        Path root = Files.createDirectories(directory.resolve("farm-" + nodes));
        String token = FarmToken.generate();
        OrchestratorConfig config = OrchestratorConfig.builder(root.resolve("orchestrator"), token)
                .listen("127.0.0.1", 0)
                .build();
        LocalFarm.Options options = new LocalFarm.Options(
                Optional.empty(), Optional.of(root.resolve("postgres")), 0, config, nodes, 1, ffmpegPath, engines);
        try (LocalFarm farm = LocalFarm.start(options, json)) {
            farm.awaitNodes(Duration.ofSeconds(60));
            ManagedChannel channel = ClientOptions.channel(farm.target(), token, Optional.empty());
            try {
                JobClient client = new JobClient(channel, Duration.ofSeconds(30));
                runJob(client);
                Timer assembly =
                        farm.orchestrator().meters().get("flatrender.assembly").timer();
                double assemblyBefore = assembly.totalTime(TimeUnit.SECONDS);
                Timer render = farm.orchestrator()
                        .meters()
                        .get("flatrender.render")
                        .tag("engine", "timeline")
                        .timer();
                double renderBefore = render.totalTime(TimeUnit.SECONDS);
                long started = System.nanoTime();
                Job job = runJob(client);
                double seconds = (System.nanoTime() - started) / 1e9;
                Job detailed = client.get(job.getId(), true);
                Instant lastChunk = detailed.getChunksList().stream()
                        .map(Chunk::getFinishedAt)
                        .map(RenderBench::instant)
                        .max(Instant::compareTo)
                        .orElseThrow();
                Instant succeeded = Instant.ofEpochSecond(
                        detailed.getFinishedAt().getSeconds(),
                        detailed.getFinishedAt().getNanos());
                JobRow row = farm.database()
                        .jdbi()
                        .withExtension(JobDao.class, dao -> dao.findJob(UUID.fromString(job.getId())))
                        .orElseThrow();
                return new FarmRun(
                        nodes,
                        seconds,
                        detailed.getExport().getFrameCount(),
                        detailed.getChunksCount(),
                        assembly.totalTime(TimeUnit.SECONDS) - assemblyBefore,
                        Duration.between(lastChunk, succeeded).toNanos() / 1e9,
                        render.totalTime(TimeUnit.SECONDS) - renderBefore,
                        detailed.getChunksList().stream()
                                        .mapToLong(c -> Duration.between(
                                                        instant(c.getStartedAt()), instant(c.getFinishedAt()))
                                                .toMillis())
                                        .sum()
                                / 1000.0,
                        row);
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private Job runJob(JobClient client) {
        Job job = client.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId(shape.template())
                        .setAspect(shape.aspect())
                        .setTier(shape.tier())
                        .setChunkFrames(shape.chunkFrames())
                        .setIdempotencyKey("bench-render-" + UUID.randomUUID())
                        .build())
                .getJob();
        Job finished = client.follow(job.getId(), progress -> {});
        if (finished.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new IllegalStateException(
                    "job " + job.getId() + " ended " + finished.getState() + ": " + finished.getError());
        }
        return finished;
    }

    /**
     * The job's frames by its engine in this process, as the farm planned them (size, bindings,
     * encoder settings): once into nothing (the engine's own time), once into one ffmpeg encode
     * of the whole range and a remux to MP4 (what one machine with no farm would do). Each is
     * run after one untimed warm-up of the same work.
     */
    SoloRun solo(JobRow job) throws Exception {
        Path root = Files.createDirectories(directory.resolve("solo"));
        Path packageDirectory = Files.createDirectories(root.resolve("package"));
        TemplatePackage templatePackage = SampleTemplates.load(job.templateId());
        for (String name : templatePackage.names()) {
            Path target = packageDirectory.resolve(name);
            Files.createDirectories(target.getParent());
            try (InputStream in = templatePackage.open(name)) {
                Files.copy(in, target);
            }
        }
        FfmpegBinaries ffmpeg = FfmpegBinaries.locate(ffmpegPath, Optional.empty());
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            Engine engine =
                    EngineDetection.detect(engines, TimelineFonts.loadBundled(), supervisor, json, root).stream()
                            .filter(e -> e.name().equals(job.engine()))
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException("no " + job.engine() + " engine here"));
            EngineRequest request = new EngineRequest(
                    job.id().toString(),
                    "solo",
                    1,
                    packageDirectory,
                    json.readTree(templatePackage.manifest()),
                    job.composition() == null ? "" : job.composition(),
                    job.aspect(),
                    job.frameStart(),
                    job.frameEnd(),
                    job.fps(),
                    job.renderWidth(),
                    job.renderHeight(),
                    (ObjectNode) job.bindings());
            int[] counted = new int[1];
            engine.render(request, frame -> counted[0]++, () -> false);
            long started = System.nanoTime();
            engine.render(request, frame -> counted[0]++, () -> false);
            double renderOnly = (System.nanoTime() - started) / 1e9;

            encodeAlone(engine, request, job, supervisor, ffmpeg, root);
            started = System.nanoTime();
            Path video = encodeAlone(engine, request, job, supervisor, ffmpeg, root);
            double seconds = (System.nanoTime() - started) / 1e9;
            MediaInfo info = new Ffprobe(ffmpeg, supervisor, json).probe(video, true);
            return new SoloRun(
                    renderOnly,
                    seconds,
                    info.video().map(MediaInfo.VideoStream::frameCount).orElse(0));
        }
    }

    private static Path encodeAlone(
            Engine engine,
            EngineRequest request,
            JobRow job,
            ProcessSupervisor supervisor,
            FfmpegBinaries ffmpeg,
            Path root)
            throws Exception {
        Output output = job.outputs().get(0);
        Path segment = root.resolve("all.ts");
        Path video = root.resolve("all.mp4");
        Files.deleteIfExists(segment);
        Files.deleteIfExists(video);
        EncoderSettings encoder = job.encoder();
        SegmentEncoder.Settings settings = new SegmentEncoder.Settings(
                new EncoderProfile(
                        encoder.codec(),
                        encoder.preset(),
                        // The tier's own CRF where it has one (a small tier), as the farm's node encodes it.
                        output.crf() != null ? output.crf() : encoder.crf(),
                        encoder.pixelFormat(),
                        encoder.container(),
                        encoder.profile()),
                job.renderWidth(),
                job.renderHeight(),
                List.of(new SegmentEncoder.Target(
                        new OutputSpec(
                                output.tier(),
                                output.width(),
                                output.height(),
                                SegmentFormat.named(output.format()),
                                OptionalInt.empty()),
                        segment)),
                job.fps(),
                job.frameStart(),
                root,
                Duration.ofHours(1),
                Duration.ofMinutes(5));
        try (SegmentEncoder sink = SegmentEncoder.start(supervisor, ffmpeg, settings)) {
            engine.render(request, sink, () -> false);
            ProcessOutcome outcome = sink.finish();
            if (!outcome.succeeded()) {
                throw new IOException("ffmpeg failed: " + outcome.describe());
            }
        }
        ProcessOutcome muxed = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg-mux",
                                ffmpeg.ffmpegCommand(List.of(
                                        "-hide_banner",
                                        "-loglevel",
                                        "error",
                                        "-i",
                                        segment.toString(),
                                        "-c",
                                        "copy",
                                        "-movflags",
                                        "+faststart",
                                        "-y",
                                        video.toString())),
                                root)
                        .withEnvironment(ffmpeg.environment())
                        .withLimits(Duration.ofMinutes(10), Duration.ZERO, false))
                .await();
        if (!muxed.succeeded()) {
            throw new IOException("ffmpeg could not write the MP4: " + muxed.describe());
        }
        return video;
    }
}
