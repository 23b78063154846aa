package ir.flatrender.tools.farm.testing;

import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.node.engines.remotion.RemotionEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The engines a farm's node is given, as a value a farm's shape can be compared by. */
public enum NodeEngine {
    /** The built-in timeline engine only. */
    TIMELINE,
    /** Remotion through the runner in {@code node/remotion} and the machine's Chromium (and the timeline engine). */
    REMOTION,
    /** After Effects through the fake aerender (and the timeline engine). */
    FAKE_AFTER_EFFECTS;

    /** How long a Remotion frame range may take before the node gives it up. */
    private static final Duration REMOTION_DEADLINE = Duration.ofSeconds(300);

    /** The node's settings; the fake aerender is installed into {@code directory} when asked for. */
    EngineSettings settings(Path directory) {
        return switch (this) {
            case TIMELINE -> EngineSettings.timelineOnly();
            case REMOTION ->
                new EngineSettings(
                        Optional.empty(),
                        Optional.of(TestingRemotion.CHROMIUM),
                        Optional.of(TestingRemotion.RUNNER),
                        Optional.empty(),
                        REMOTION_DEADLINE);
            case FAKE_AFTER_EFFECTS -> {
                try {
                    yield EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Fails, saying what to install, when this engine cannot run on this machine. */
    void assertRunnable(EngineSettings settings) {
        if (this == REMOTION) {
            org.assertj.core.api.Assertions.assertThat(RemotionEngine.check(settings))
                    .as("Remotion must be able to run here (apt-get install chromium; npm ci in node/remotion)")
                    .isEmpty();
        }
    }
}
