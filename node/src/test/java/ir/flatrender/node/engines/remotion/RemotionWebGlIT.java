package ir.flatrender.node.engines.remotion;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.engines.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's WebGL probe (issue 18 case 2) against Debian's Chromium through the runner: it
 * finds WebGL where the renderer's Chromium draws it (software GL here), and none where the
 * chosen OpenGL renderer gives no context. Fails, saying what to install, without Chromium or
 * the runner's packages (tools/test installs both).
 */
class RemotionWebGlIT {
    private static final Path RUNNER = Path.of("remotion").toAbsolutePath();

    @TempDir
    Path work;

    private static EngineSettings settings() {
        EngineSettings settings = new EngineSettings(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(RUNNER),
                        Optional.empty(),
                        Duration.ofMinutes(1))
                .withRemotion(RUNNER, Optional.of(RemotionEngine.DEFAULT_CHROMIUM));
        assertThat(RemotionEngine.check(settings))
                .as("Remotion must be able to run here (tools/test installs it)")
                .isEmpty();
        return settings;
    }

    @Test
    void theRenderersChromiumDrawsWebGlInSoftware() throws Exception {
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(5))) {
            RemotionEngine.WebGl webGl = RemotionEngine.probeWebGl(settings(), supervisor, work);

            assertThat(webGl.available()).as(webGl.description()).isTrue();
            assertThat(webGl.description()).isNotBlank();
        }
    }

    @Test
    void aRendererThatGivesNoContextMeansNoWebGl() throws Exception {
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(5))) {
            // EGL needs a GPU driver, which this machine lacks.
            RemotionEngine.WebGl webGl = RemotionEngine.probeWebGl(settings().withGl("egl"), supervisor, work);

            assertThat(webGl.available()).isFalse();
            assertThat(webGl.description()).isEqualTo("the browser gives no WebGL context");
        }
    }
}
