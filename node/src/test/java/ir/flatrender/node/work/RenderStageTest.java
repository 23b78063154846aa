package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentFormat;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.engines.FrameSink;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderStageTest {
    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final List<ChunkEvent> events = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    @TempDir
    Path directory;

    private Path packageDirectory;

    @BeforeEach
    void template() throws IOException {
        packageDirectory = Files.createDirectories(directory.resolve("package"));
        Files.writeString(packageDirectory.resolve("template.json"), "{\"id\": \"card\"}");
    }

    @AfterEach
    void close() {
        supervisor.close();
    }

    /** An engine that draws {@code frames} black frames, whatever the chunk's range. */
    private record DrawingEngine(int frames) implements Engine {
        @Override
        public String name() {
            return "timeline";
        }

        @Override
        public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled) throws IOException {
            BufferedImage frame = new BufferedImage(request.width(), request.height(), BufferedImage.TYPE_3BYTE_BGR);
            for (int n = 0; n < frames; n++) {
                sink.frame(frame);
            }
        }
    }

    private RenderStage stage(Engine engine) {
        return new RenderStage(
                new Engines(List.of(engine)),
                new ObjectMapper(),
                supervisor,
                FfmpegBinaries.locate(Optional.empty(), Optional.empty()),
                directory,
                new ChunkLimits(Duration.ofMinutes(1), Duration.ofSeconds(30)));
    }

    private List<String> render(Engine engine, Assignment assignment, Cancellation cancellation)
            throws EngineException, InterruptedException {
        return stage(engine).render(assignment, packageDirectory, cancellation, files, events::add);
    }

    @Test
    void theFramesBecomeAFilePerOutputNamedByTheAttemptAndTier() throws Exception {
        OutputSpec still = new OutputSpec("thumb", 160, 90, SegmentFormat.PNG, OptionalInt.empty());
        Assignment assignment = TestingAssignments.frames(
                TestingAssignments.frames().template(), List.of(TestingAssignments.OUTPUT, still));

        List<String> tiers = render(new DrawingEngine(10), assignment, new Cancellation());

        assertThat(tiers).containsExactly("360p", "thumb");
        String prefix = assignment.chunk().chunkId() + "-1-";
        assertThat(files)
                .containsExactly(directory.resolve(prefix + "360p.ts"), directory.resolve(prefix + "thumb.png"));
        assertThat(files).allSatisfy(file -> assertThat(Files.size(file)).isPositive());
        assertThat(events).last().isEqualTo(new ChunkEvent.Progress(assignment.chunk(), 10));
    }

    @Test
    void anEngineGivingTooFewFramesIsBadOutput() {
        assertThatThrownBy(() -> render(new DrawingEngine(7), TestingAssignments.frames(), new Cancellation()))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT);
                    assertThat(e.getMessage()).isEqualTo("the engine gave 7 frames; the chunk has 10");
                });
    }

    @Test
    void anEngineThisNodeLacksIsALaunchFailure() {
        Assignment assignment = TestingAssignments.frames();

        assertThatThrownBy(() -> render(new NamedEngine("remotion"), assignment, new Cancellation()))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.LAUNCH_FAILURE);
                    assertThat(e.getMessage()).isEqualTo("this node has no timeline engine");
                });
    }

    @Test
    void anAssignmentWithNoOutputsIsALaunchFailure() {
        Assignment assignment =
                TestingAssignments.frames(TestingAssignments.frames().template(), List.of());

        assertThatThrownBy(() -> render(new DrawingEngine(10), assignment, new Cancellation()))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.LAUNCH_FAILURE);
                    assertThat(e.getMessage()).isEqualTo("bad assignment: no outputs");
                });
    }

    @Test
    void anAttemptCancelledBeforeItsFirstFrameStartsNoEncoder() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel("taken back");

        assertThatThrownBy(() -> render(new DrawingEngine(10), TestingAssignments.frames(), cancellation))
                .isInstanceOf(InterruptedException.class);
        assertThat(files).noneMatch(Files::exists);
    }

    @Test
    void anAudioTaskWhoseEngineWritesNoSoundIsBadOutput() {
        Engine silent = new NamedEngine("timeline") {
            @Override
            public void renderAudio(EngineRequest request, Path wav, BooleanSupplier cancelled) {}
        };
        Assignment assignment = TestingAssignments.audio();

        assertThatThrownBy(() -> render(silent, assignment, new Cancellation()))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT);
                    assertThat(e.getMessage()).isEqualTo("the engine wrote no audio");
                });
        assertThat(files).containsExactly(directory.resolve(assignment.chunk().chunkId() + "-1-audio.wav"));
    }

    /** An engine that renders nothing, under a name. */
    private static class NamedEngine implements Engine {
        private final String name;

        NamedEngine(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled) {}
    }
}
