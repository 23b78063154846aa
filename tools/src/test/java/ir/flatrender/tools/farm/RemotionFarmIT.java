package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.farm.testing.CommandRun;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.NodeEngine;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingRemotion;
import ir.flatrender.tools.jobs.JobClient;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Remotion template on the farm: pushed with {@code flatrender templates push} (which
 * bundles it), rendered across two Remotion nodes, and compared with Remotion's own render of
 * the same frames in one process. These tests never skip: without Chromium or the runner's
 * packages they fail, saying what to install (.ci/run installs both).
 */
class RemotionFarmIT {
    private static final Path RUNNER = TestingRemotion.RUNNER;
    private static final Path EXAMPLE = RUNNER.resolve("examples/promo");
    private static final Path HELLO_WORLD =
            Path.of("src/test/resources/templates/hello-world").toAbsolutePath();
    private static final int SIZE = 1080;
    private static final int FRAMES = 60;

    /**
     * The Remotion farm CatalogSeedFarmIT shares (the same shape): its templates are other
     * templates, and what this class drains it enables again.
     */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.shared(FarmShape.remotionPair().withGateway());

    @TempDir
    static Path directory;

    private static JobClient jobs;

    @BeforeAll
    static void start() {
        jobs = farm.farm().jobs();
    }

    private static CommandRun push() {
        return push(EXAMPLE);
    }

    private static CommandRun push(Path template, String... options) {
        List<String> arguments = new ArrayList<>(
                List.of("templates", "push", template.toString(), "--remotion-runner", RUNNER.toString()));
        arguments.addAll(List.of(options));
        return farm.farm().flatrender(arguments.toArray(String[]::new));
    }

    @Test
    @DisplayName(
            "issue 18 case 6: a template.json that does not describe its bundle is refused at push, each difference named")
    void aManifestThatDoesNotDescribeItsBundleIsRefused() throws Exception {
        Path copy = directory.resolve("mismatched");
        try (java.util.stream.Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(EXAMPLE.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path manifest = copy.resolve("template.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace("\"durationInFrames\": 90", "\"durationInFrames\": 120")
                        .replace("\"composition\": \"Promo-9x16\"", "\"composition\": \"Promo-Story\""));

        CommandRun pushed = push(copy);

        assertThat(pushed.exitCode()).isNotZero();
        assertThat(pushed.err())
                .contains("template.json does not match the bundle's compositions")
                .contains("aspect 9:16 names composition 'Promo-Story', which the bundle lacks")
                .contains("durationInFrames is 120 but composition Promo-16x9 has 90");
    }

    @Test
    @DisplayName("issue 18 case 2: a node whose Chromium draws no WebGL says so and gets no chunk of a WebGL template")
    void aNodeWithoutWebGlGetsNoChunkOfAWebGlTemplate() throws Exception {
        Path copy = directory.resolve("webgl-promo");
        try (java.util.stream.Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(EXAMPLE.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(file, target);
                }
            }
        }
        Path manifest = copy.resolve("template.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace("\"id\": \"remotion-promo\"", "\"id\": \"webgl-promo\"")
                        .replace("\"entry\": \"src/index.ts\"", "\"entry\": \"src/index.ts\", \"webgl\": true"));
        assertThat(push(copy).exitCode()).isZero();
        assertThat(push().exitCode()).isZero();
        AdminClient admin = farm.farm().admin();
        // EGL needs a GPU driver this machine lacks: that node's probe finds no WebGL.
        ir.flatrender.node.RenderNode noGl = farm.farm()
                .startNode(
                        "remotion-nogl",
                        1,
                        farm.farm().engines(NodeEngine.REMOTION).withGl("egl"));
        try {
            Map<String, List<String>> capabilities = admin.list(List.of()).stream()
                    .collect(java.util.stream.Collectors.toMap(Node::getName, Node::getCapabilitiesList));
            assertThat(capabilities)
                    .containsEntry("remotion-1", List.of("webgl"))
                    .containsEntry("remotion-2", List.of("webgl"))
                    .containsEntry("remotion-nogl", List.of());
            admin.drain("remotion-1", "test");
            admin.drain("remotion-2", "test");

            Job threeD = jobs.submit(request("webgl-promo")).getJob();
            Job plain = jobs.submit(request("remotion-promo")).getJob();
            // The idle node renders the plain job, so it was free all along; the WebGL job waits.
            Job plainDone = jobs.follow(plain.getId(), progress -> {});
            assertThat(plainDone.getState()).as(plainDone.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(jobs.get(plain.getId(), true).getChunksList())
                    .extracting(Chunk::getNodeName)
                    .containsOnly("remotion-nogl");
            Job waiting = jobs.get(threeD.getId(), true);
            assertThat(waiting.getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
            assertThat(waiting.getChunksList())
                    .allSatisfy(chunk -> assertThat(chunk.getNodeName()).isEmpty());
            assertThat(waiting.getWaitingReason())
                    .isEqualTo("no node can take this job: remotion-1 is draining; remotion-2 is draining");

            admin.enable("remotion-1");
            admin.enable("remotion-2");
            Job done = jobs.follow(threeD.getId(), progress -> {});
            assertThat(done.getState()).as(done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(jobs.get(threeD.getId(), true).getChunksList())
                    .extracting(Chunk::getNodeName)
                    .doesNotContain("remotion-nogl");
        } finally {
            // Left online for the other tests, whatever failed above.
            for (Node node : admin.list(List.of(NodeState.NODE_STATE_DRAINING))) {
                admin.enable(node.getName());
            }
            noGl.close();
        }
    }

    private static SubmitJobRequest request(String template) {
        return SubmitJobRequest.newBuilder()
                .setTemplateId(template)
                .setAspect("16:9")
                .setTier("360p")
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(14))
                .setChunkFrames(15)
                .build();
    }

    private static CommandRun cli(String... args) {
        return farm.farm().flatrender(args);
    }

    @Test
    @DisplayName("issue 18: templates check renders every aspect of a template through the farm and prints its figures")
    void templatesCheckRendersEveryAspectAndPrintsItsFigures() throws Exception {
        assertThat(push().exitCode()).isZero();

        CommandRun checked =
                cli("templates", "check", "remotion-promo", "--tier", "360p", "--frames", "10", "-o", "json");

        assertThat(checked.exitCode()).as(checked.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode report =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(checked.out());
        assertThat(report.path("tier").asText()).isEqualTo("360p");
        assertThat(report.path("renders")).hasSize(3);
        assertThat(report.path("renders").findValuesAsText("aspect")).containsExactly("16:9", "1:1", "9:16");
        for (com.fasterxml.jackson.databind.JsonNode row : report.path("renders")) {
            assertThat(row.path("state").asText()).isEqualTo("succeeded");
            assertThat(row.path("frames").asInt()).isEqualTo(10);
            assertThat(row.path("seconds").asDouble()).isPositive();
            assertThat(row.path("fps").asDouble())
                    .isCloseTo(10 / row.path("seconds").asDouble(), org.assertj.core.data.Offset.offset(0.05));
        }

        CommandRun table =
                cli("templates", "check", "remotion-promo", "--tier", "360p", "--frames", "5", "--aspect", "1:1");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("TEMPLATE")
                .contains("remotion-promo")
                .contains("1:1")
                .doesNotContain("9:16");

        CommandRun unknown = cli("templates", "check", "no-such-template");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("no template no-such-template");
    }

    @Test
    void twoNodesRenderWhatRemotionRendersInOneProcess() throws Exception {
        CommandRun pushed = push();
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        // Pushed here or by a test before this one (the tests share the farm, in no set order).
        assertThat(pushed.out())
                .contains("bundled")
                .containsPattern("template remotion-promo version 1 (pushed|unchanged)");
        // Bundled again from the same sources, it is the same version.
        CommandRun again = push();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("template remotion-promo version 1 unchanged");

        Job submitted = jobs.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId("remotion-promo")
                        .setAspect("1:1")
                        .setTier("1080p")
                        .setFrames(FrameRange.newBuilder().setStart(0).setEnd(FRAMES - 1))
                        .setChunkFrames(15)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("رندر روی مزرعه")
                                                .build())
                                .putFields(
                                        "accent",
                                        Value.newBuilder()
                                                .setStringValue("#8e24aa")
                                                .build()))
                        .build())
                .getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Job job = jobs.get(submitted.getId(), true);
        List<Chunk> frameChunks = job.getChunksList().stream()
                .filter(chunk -> chunk.getTask() != ChunkTask.CHUNK_TASK_AUDIO)
                .toList();
        assertThat(frameChunks).hasSize(4);
        assertThat(frameChunks).extracting(Chunk::getNodeName).contains("remotion-1", "remotion-2");

        Path video = directory.resolve("remotion.mp4");
        jobs.download(job.getId(), video);
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo info = frames.probe(video);
            MediaInfo.VideoStream picture = info.video().orElseThrow();
            assertThat(picture.width()).isEqualTo(SIZE);
            assertThat(picture.height()).isEqualTo(SIZE);
            assertThat(picture.frameCount()).isEqualTo(FRAMES);
            // The template's own sound (a chime), rendered once for the range, lasts as long
            // as the picture, within one AAC frame.
            MediaInfo.AudioStream sound =
                    info.audio().orElseThrow(() -> new AssertionError("the template's sound is missing"));
            assertThat(sound.durationMillis()).isCloseTo(FRAMES * 1000L / 30, org.assertj.core.data.Offset.offset(22L));

            List<byte[]> reference = remotionsOwnFrames(job);
            List<Double> psnr = frames.psnr(video, reference, SIZE, SIZE, 30);
            assertThat(psnr).hasSize(FRAMES);
            for (int n = 0; n < FRAMES; n++) {
                assertThat(psnr.get(n)).as("PSNR of frame %d", n).isGreaterThanOrEqualTo(40.0);
            }
            // Where chunks meet, each frame is its own, not a neighbour's.
            List<byte[]> decoded = frames.decode(video, SIZE, SIZE);
            for (Chunk chunk : frameChunks) {
                int seam = chunk.getFrames().getStart();
                if (seam == 0) {
                    continue;
                }
                for (int n : new int[] {seam - 1, seam}) {
                    double own = VideoFrames.psnr(decoded.get(n), reference.get(n));
                    assertThat(own)
                            .as("frame %d", n)
                            .isGreaterThan(VideoFrames.psnr(decoded.get(n), reference.get(n - 1)));
                    assertThat(own)
                            .as("frame %d", n)
                            .isGreaterThan(VideoFrames.psnr(decoded.get(n), reference.get(n + 1)));
                }
            }
        }
    }

    /**
     * A Remotion project as its authors write it ({@code src/test/resources/templates/hello-world}:
     * the starter's HelloWorld composition with camelCase props, a zod 3 schema, its own
     * package.json and lockfile, a remotion.config.ts), pushed with nothing added but its
     * template.json, whose bindings name the props they set.
     */
    @Test
    @DisplayName("issue 18 case 6: a stock Remotion project is pushed as it is and its camelCase props are bound")
    void aStockRemotionProjectIsPushedAsItIsAndItsPropsAreBound() throws Exception {
        Path cache = directory.resolve("dependency-cache");
        CommandRun pushed = push(HELLO_WORLD, "--dependency-cache", cache.toString());
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        assertThat(pushed.out())
                // Its own lockfile installed, and its own bundler (the runner's would bundle the
                // runner's zod 4 into it).
                .contains("dependencies: installed")
                .contains("bundler: @remotion/bundler 4.0.529 own")
                .contains("remotion config: {\"file\":\"remotion.config.ts\"")
                .contains("\"setVideoImageFormat\"")
                .contains("\"overrideWebpackConfig\"")
                .contains("\"setOverwriteOutput\"")
                .contains("template hello-world version 1 pushed");
        // The same lockfile again: installed once, reused.
        CommandRun again = push(HELLO_WORLD, "--dependency-cache", cache.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("dependencies: cached").contains("template hello-world version 1 unchanged");

        // Frame 100: the title has sprung in, the fade-out has not begun.
        BufferedImage stock = helloWorldSnapshot(Struct.getDefaultInstance());
        BufferedImage bound = helloWorldSnapshot(Struct.newBuilder()
                .putFields(
                        "title_text",
                        Value.newBuilder().setStringValue("سلام از مزرعه").build())
                .putFields(
                        "title_color",
                        Value.newBuilder().setStringValue("#e53935").build())
                .build());
        ImageIO.write(stock, "png", directory.resolve("hello-world-default.png").toFile());
        ImageIO.write(bound, "png", directory.resolve("hello-world-bound.png").toFile());
        assertThat(stock.getWidth()).isEqualTo(1920);
        assertThat(stock.getHeight()).isEqualTo(1080);
        // The title is drawn 160 px above the bottom at 100 px: its band differs, the logo above
        // it does not.
        assertThat(meanDifference(stock, bound, 760, 940)).as("title band").isGreaterThan(8.0);
        assertThat(meanDifference(stock, bound, 0, 600)).as("logo").isLessThan(1.0);
        // The bound title is red where the default is black.
        assertThat(redPixels(bound, 760, 940)).isGreaterThan(2000);
        assertThat(redPixels(stock, 760, 940)).isZero();

        // A tier past the composition's 1920x1080 is rendered, and said to be an upscale.
        CommandRun submitted =
                farm.farm().flatrender("submit", "--template", "hello-world", "--tier", "1440p", "--frames", "0-29");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        assertThat(submitted.err())
                .contains("warning: tier 1440p upscales: the template's 16:9 is drawn at 1920x1080 and scaled up to"
                        + " 2560x1440");
        String id = submitted.out().split(" ")[1];
        Job finished = jobs.follow(id, progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getWarningsList()).singleElement().asString().startsWith("tier 1440p upscales");
    }

    private static BufferedImage helloWorldSnapshot(Struct bindings) throws Exception {
        ir.flatrender.proto.farm.v1.Snapshot snapshot = ir.flatrender.proto.farm.v1.JobServiceGrpc.newBlockingStub(
                        farm.farm().channel())
                .withDeadlineAfter(5, java.util.concurrent.TimeUnit.MINUTES)
                .renderSnapshot(ir.flatrender.proto.farm.v1.RenderSnapshotRequest.newBuilder()
                        .setTemplateId("hello-world")
                        .setAspect("16:9")
                        .setTier("1080p")
                        .setFrame(100)
                        .setFormat("png")
                        .setBindings(bindings)
                        .build());
        return ImageIO.read(new java.io.ByteArrayInputStream(snapshot.getImage().toByteArray()));
    }

    /** Mean absolute difference of the RGB channels over rows [top, bottom). */
    private static double meanDifference(BufferedImage a, BufferedImage b, int top, int bottom) {
        long sum = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xff) - (q >> shift & 0xff));
                }
            }
        }
        return (double) sum / (3L * a.getWidth() * (bottom - top));
    }

    private static int redPixels(BufferedImage image, int top, int bottom) {
        int red = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if ((p >> 16 & 0xff) > 180 && (p >> 8 & 0xff) < 100 && (p & 0xff) < 100) {
                    red++;
                }
            }
        }
        return red;
    }

    /** Remotion's own frames for the job's range, from one run of the runner over the whole range. */
    private static List<byte[]> remotionsOwnFrames(Job job) throws Exception {
        Path bundle = directory.resolve("reference-bundle");
        Path out = directory.resolve("reference-frames");
        Path props = directory.resolve("props.json");
        Files.writeString(props, JsonFormat.printer().print(job.getBindings()));
        runRunner("bundle.mjs", "--entry", EXAMPLE.resolve("src/index.ts").toString(), "--out", bundle.toString());
        runRunner(
                "frames.mjs",
                "--bundle",
                bundle.toString(),
                "--composition",
                "Promo-1x1",
                "--props",
                props.toString(),
                "--from",
                "0",
                "--to",
                Integer.toString(FRAMES - 1),
                "--out",
                out.toString(),
                "--browser",
                TestingRemotion.CHROMIUM.toString());
        List<Path> files;
        try (Stream<Path> listing = Files.list(out)) {
            files = listing.sorted(Comparator.comparingInt(RemotionFarmIT::frameNumber))
                    .toList();
        }
        assertThat(files).hasSize(FRAMES);
        List<byte[]> frames = new ArrayList<>();
        for (Path file : files) {
            BufferedImage bgr = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = bgr.createGraphics();
            g.drawImage(ImageIO.read(file.toFile()), 0, 0, null);
            g.dispose();
            frames.add(((DataBufferByte) bgr.getRaster().getDataBuffer()).getData());
        }
        return frames;
    }

    private static int frameNumber(Path file) {
        return Integer.parseInt(file.getFileName().toString().replaceAll("\\D", ""));
    }

    private static void runRunner(String script, String... arguments) throws Exception {
        RunnerScripts.run(RUNNER, directory, Duration.ofMinutes(5), script, arguments);
    }
}
