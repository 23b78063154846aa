package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.control.CommandMapper;
import ir.flatrender.node.control.EventMapper;
import ir.flatrender.node.control.GrpcPackageSource;
import ir.flatrender.node.control.SegmentUploader;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.engines.FrameSink;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.node.testing.TestingPackageServer;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.EncoderProfile;
import ir.flatrender.proto.farm.v1.FailureKind;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.OutputSpec;
import ir.flatrender.proto.farm.v1.Size;
import ir.flatrender.proto.farm.v1.TemplatePackageRef;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node tells the orchestrator when an attempt ends badly inside its own JVM. */
class WorkerTest {
    private final TestingPackageServer server = new TestingPackageServer();
    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final ExecutorService slots = Executors.newSingleThreadExecutor();
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final BlockingQueue<NodeEvent> events = new LinkedBlockingQueue<>();

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        slots.shutdownNow();
        io.shutdownNow();
        supervisor.close();
        server.close();
    }

    /** An engine that draws one frame, then fails as {@code failure} says. */
    private record FailingEngine(Supplier<Throwable> failure) implements Engine {
        @Override
        public String name() {
            return "timeline";
        }

        @Override
        public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
                throws java.io.IOException {
            sink.frame(new BufferedImage(request.width(), request.height(), BufferedImage.TYPE_3BYTE_BGR));
            Throwable thrown = failure.get();
            if (thrown instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) thrown;
        }
    }

    /** An engine that draws one frame, then waits to be cancelled and fails as if its program were killed. */
    private final class WaitingEngine implements Engine {

        @Override
        public String name() {
            return "timeline";
        }

        @Override
        public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
                throws java.io.IOException, ir.flatrender.node.engines.EngineException {
            sink.frame(new BufferedImage(request.width(), request.height(), BufferedImage.TYPE_3BYTE_BGR));
            drawn.countDown();
            while (!cancelled.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            throw new ir.flatrender.node.engines.EngineException(
                    ir.flatrender.node.engines.FailureKind.CRASH, "the engine was killed");
        }
    }

    private TemplatePackageRef publish() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("template.json"));
            out.write("{\"id\": \"card\"}".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        byte[] bytes = zip.toByteArray();
        String sha256 = Hashing.sha256().hashBytes(bytes).toString();
        server.put(sha256, bytes);
        return TemplatePackageRef.newBuilder()
                .setTemplateId("card")
                .setVersion(1)
                .setSha256(sha256)
                .setSizeBytes(bytes.length)
                .build();
    }

    /** A worker wired as the node wires it, its commands and events through the control stream's mappers. */
    private Worker worker(Engine engine, Path work) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return new Worker(
                new Worker.Stages(
                        new TemplateStage(new TemplateCache(
                                directory.resolve("cache"),
                                new GrpcPackageSource(server.channel(), Duration.ofSeconds(30)),
                                1 << 20,
                                json,
                                Clock.systemUTC())),
                        new RenderStage(
                                new Engines(List.of(engine)),
                                json,
                                supervisor,
                                FfmpegBinaries.locate(Optional.empty(), Optional.empty()),
                                work,
                                new ChunkLimits(Duration.ofMinutes(1), Duration.ofSeconds(30))),
                        new UploadStage(
                                new SegmentUploader(server.channel(), io, Duration.ofSeconds(30)),
                                () -> "node-under-test"),
                        new ReportStage(event -> events.add(EventMapper.event(event)))),
                work,
                slots);
    }

    private static AssignChunk assignment(TemplatePackageRef template) {
        return AssignChunk.newBuilder()
                .setChunk(ChunkRef.newBuilder()
                        .setJobId(UUID.randomUUID().toString())
                        .setChunkId(UUID.randomUUID().toString())
                        .setAttempt(1))
                .setTemplate(template)
                .setEngine("timeline")
                .setAspect("16:9")
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(9))
                .setFps(30)
                .setRenderSize(Size.newBuilder().setWidth(320).setHeight(180))
                .addOutputs(OutputSpec.newBuilder()
                        .setTier("360p")
                        .setSize(Size.newBuilder().setWidth(320).setHeight(180))
                        .setFormat("mpegts"))
                .setEncoder(EncoderProfile.newBuilder()
                        .setCodec("libx264")
                        .setPreset("veryfast")
                        .setCrf(18)
                        .setPixelFormat("yuv420p")
                        .setContainer("mpegts")
                        .setProfile("high"))
                .setBindingsJson("{}")
                .build();
    }

    private ChunkFailed failure() throws InterruptedException {
        while (true) {
            NodeEvent event = events.poll(60, TimeUnit.SECONDS);
            assertThat(event).as("an event within a minute").isNotNull();
            if (event.hasChunkFailed()) {
                return event.getChunkFailed();
            }
        }
    }

    @Test
    @DisplayName("issue 17: an engine running out of heap or stack fails the attempt with its cause, and the slot"
            + " goes on")
    void runningOutOfMemoryOrStackIsReportedAsACrash() throws Exception {
        TemplatePackageRef template = publish();
        Path work = Files.createDirectories(directory.resolve("work"));
        List<Throwable> failures = List.of(
                new OutOfMemoryError("Java heap space"), new StackOverflowError(), new IllegalStateException("bug"));
        java.util.Iterator<Throwable> next = failures.iterator();
        Worker worker = worker(new FailingEngine(next::next), work);

        AssignChunk first = assignment(template);
        worker.assign(CommandMapper.assignment(first));
        ChunkFailed heap = failure();
        assertThat(heap.getChunk()).isEqualTo(first.getChunk());
        assertThat(heap.getKind()).isEqualTo(FailureKind.FAILURE_KIND_OUT_OF_MEMORY);
        assertThat(heap.getMessage())
                .contains("ran out of memory rendering frames 0-9")
                .contains("Java heap space");

        // The same slot takes the next chunk: the node carries on.
        worker.assign(CommandMapper.assignment(assignment(template)));
        ChunkFailed stack = failure();
        assertThat(stack.getKind()).isEqualTo(FailureKind.FAILURE_KIND_CRASH);
        assertThat(stack.getMessage()).contains("ran out of stack");
        worker.assign(CommandMapper.assignment(assignment(template)));
        assertThat(failure().getMessage()).contains("node error: java.lang.IllegalStateException: bug");

        // Each attempt removed its partial segment (after its report: the slot is let finish).
        slots.shutdown();
        assertThat(slots.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".ts"));
        }
    }

    /** Assigns the chunk and waits until the worker's waiting engine has drawn its first frame. */
    private final java.util.concurrent.CountDownLatch drawn = new java.util.concurrent.CountDownLatch(1);

    private void drawing(Worker worker, AssignChunk assign) throws InterruptedException {
        worker.assign(CommandMapper.assignment(assign));
        assertThat(drawn.await(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCancelledAttemptIsReportedCancelledThoughItsEngineFailed() throws Exception {
        Worker worker = worker(new WaitingEngine(), Files.createDirectories(directory.resolve("work")));
        AssignChunk assign = assignment(publish());
        drawing(worker, assign);

        // As some of the orchestrator's cancels do, this one names the chunk and attempt only.
        worker.cancel(
                CommandMapper.chunk(assign.getChunk().toBuilder().clearJobId().build()), "taken back");

        ChunkFailed cancelled = failure();
        assertThat(cancelled.getChunk()).isEqualTo(assign.getChunk());
        assertThat(cancelled.getKind()).isEqualTo(FailureKind.FAILURE_KIND_CANCELLED);
        assertThat(cancelled.getMessage()).isEqualTo("cancelled: taken back");
    }

    @Test
    void aNewerAttemptOfAChunkCancelsTheOlderOne() throws Exception {
        Worker worker = worker(new WaitingEngine(), Files.createDirectories(directory.resolve("work")));
        AssignChunk first = assignment(publish());
        drawing(worker, first);

        AssignChunk second = first.toBuilder()
                .setChunk(first.getChunk().toBuilder().setAttempt(2))
                .build();
        worker.assign(CommandMapper.assignment(second));

        ChunkFailed old = failure();
        assertThat(old.getChunk()).isEqualTo(first.getChunk());
        assertThat(old.getKind()).isEqualTo(FailureKind.FAILURE_KIND_CANCELLED);
        assertThat(old.getMessage()).isEqualTo("cancelled: attempt 2 of this chunk was assigned");
        worker.cancelAll("test over");
    }
}
