package ir.flatrender.node.engines.aftereffects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.FailureKind;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AfterEffectsEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));

    @TempDir
    Path work;

    private Path aerender;
    private Path packageDirectory;
    private AfterEffectsEngine engine;

    @BeforeEach
    void install() throws Exception {
        aerender = FakeAerender.install(work);
        packageDirectory = Path.of(AfterEffectsEngineTest.class
                        .getResource("/templates/ae-card/template.json")
                        .toURI())
                .getParent();
        EngineSettings settings = EngineSettings.timelineOnly().withAerender(aerender);
        engine = new AfterEffectsEngine(
                new EngineSettings(
                        settings.nodeJs(),
                        settings.chromium(),
                        settings.remotionRunner(),
                        settings.aerender(),
                        Duration.ofSeconds(4)),
                supervisor,
                work.resolve("engine"),
                AfterEffectsEngine.majorVersion(aerender, supervisor, work));
    }

    @AfterEach
    void close() {
        supervisor.close();
    }

    private EngineRequest request(String mode) throws Exception {
        JsonNode manifest =
                JSON.readTree(packageDirectory.resolve("template.json").toFile());
        ObjectNode bindings = JSON.createObjectNode()
                .put("title", "سلام \"quoted\" \\ back")
                .put("accent", "#2266aa")
                .put("mode", mode);
        return new EngineRequest(
                "job", "chunk", 1, packageDirectory, manifest, "Card-16x9", "16:9", 10, 14, 30, 640, 360, bindings);
    }

    @Test
    void aerenderAnswersItsVersionCheck() throws Exception {
        assertThat(AfterEffectsEngine.majorVersion(aerender, supervisor, work)).isEqualTo(24);
        assertThatThrownBy(() -> AfterEffectsEngine.majorVersion(work.resolve("missing"), supervisor, work))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("not an executable program");
    }

    @Test
    void multiFrameRenderingOnlyFromAfterEffects2022() throws Exception {
        Path script = work.resolve("bindings.jsx");
        List<String> current = AfterEffectsEngine.command(aerender, request("ok"), script, work, 24);
        assertThat(String.join(" ", current))
                .contains("-s 10 -e 14")
                .contains("-comp Card-16x9")
                .contains("-r " + script)
                .contains("-mfr ON 100");
        assertThat(AfterEffectsEngine.command(aerender, request("ok"), script, work, 18))
                .doesNotContain("-mfr");
    }

    @Test
    void rendersTheRangeWithTheBindingsApplied() throws Exception {
        List<BufferedImage> frames = new ArrayList<>();
        List<Integer> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.render(
                request("ok"),
                new ir.flatrender.node.engines.FrameSink() {
                    @Override
                    public void frame(BufferedImage frame) {
                        frames.add(copy(frame));
                    }

                    @Override
                    public void rendered(int count) {
                        progress.add(count);
                    }
                },
                () -> false);
        assertThat(frames).hasSize(5);
        // aerender's PROGRESS lines, one per frame, became the chunk's progress.
        assertThat(progress).containsExactly(1, 2, 3, 4, 5);
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.getWidth()).isEqualTo(640);
            assertThat(frame.getHeight()).isEqualTo(360);
            // The accent binding reached After Effects through the generated script.
            assertThat(frame.getRGB(5, 5) & 0xffffff).isEqualTo(0x2266aa);
        });
        // Each frame is its own: the progress bar grows with the frame number.
        assertThat(frames.get(0).getRGB(28, 350)).isNotEqualTo(frames.get(4).getRGB(28, 350));
    }

    @Test
    void aSlowRenderThatReportsEachFrameIsNotAHang() throws Exception {
        // 1.5 s a frame, 5 frames (7.5 s), watched by a 5 s watchdog: aerender's PROGRESS lines keep
        // it fed. The watchdog's margin covers the fake's own JVM start on a loaded machine (a 2 s
        // watchdog over 600 ms frames was outrun by that start alone).
        AfterEffectsEngine strict = new AfterEffectsEngine(
                new EngineSettings(
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.of(aerender),
                        Duration.ofSeconds(5)),
                supervisor,
                work.resolve("strict"),
                24);
        List<BufferedImage> frames = new ArrayList<>();
        strict.render(request("crawl"), frame -> frames.add(copy(frame)), () -> false);
        assertThat(frames).hasSize(5);
    }

    @Test
    void aCrashIsReportedWithItsLog() throws Exception {
        assertThatThrownBy(() -> engine.render(request("crash"), frame -> {}, () -> false))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.CRASH);
                    assertThat(e.getMessage()).contains("exited with code 134");
                    assertThat(e.logTail()).contains("internal verification failure");
                });
    }

    @Test
    void aHangIsKilledByTheWatchdog() throws Exception {
        assertThatThrownBy(() -> engine.render(request("hang"), frame -> {}, () -> false))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.HANG);
                    assertThat(e.getMessage()).contains("no progress");
                });
    }

    @Test
    void anErrorLoggedWithExitCodeZeroIsStillAFailure() throws Exception {
        assertThatThrownBy(() -> engine.render(request("error"), frame -> {}, () -> false))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT);
                    assertThat(e.getMessage()).contains("font is missing");
                });
    }

    @Test
    void aTruncatedFrameIsBadOutput() throws Exception {
        assertThatThrownBy(() -> engine.render(request("truncate"), frame -> {}, () -> false))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT);
                    assertThat(e.getMessage()).contains("damaged");
                });
    }

    @Test
    void theBindingsScriptQuotesEveryString() throws Exception {
        String script = BindingsScript.generate(
                request("ok").bindings(), Map.of("title", "text", "accent", "color", "mode", "text"), Map.of());
        assertThat(script)
                .contains("flatrender.text(\"title\", \"\\u0633\\u0644\\u0627\\u0645 \\\"quoted\\\" \\\\ back\");");
        assertThat(script).contains("flatrender.color(\"accent\", [0.1333, 0.4000, 0.6667]);");
    }

    private static BufferedImage copy(BufferedImage frame) {
        BufferedImage copy = new BufferedImage(frame.getWidth(), frame.getHeight(), frame.getType());
        copy.setData(frame.getData());
        return copy;
    }
}
