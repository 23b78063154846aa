package ir.flatrender.tools.farm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.node.engines.remotion.RemotionEngine;
import java.nio.file.Path;
import java.util.Optional;

/** Where the Remotion runner, Chromium and the template pack are for the farm tests. */
public final class TestingRemotion {
    /** The runner's folder ({@code node/remotion}), as tools/pom.xml tells failsafe. */
    public static final Path RUNNER = Path.of(System.getProperty("flatrender.remotion.runner", "../node/remotion"))
            .toAbsolutePath()
            .normalize();
    /** The machine's Chromium, or the one FLATRENDER_CHROMIUM names. */
    public static final Path CHROMIUM = Path.of(Optional.ofNullable(System.getenv("FLATRENDER_CHROMIUM"))
            .orElse(RemotionEngine.DEFAULT_CHROMIUM.toString()));
    /** The template pack ({@code templates/}). */
    public static final Path PACK = RUNNER.resolve("../../templates").normalize();

    private TestingRemotion() {}

    /** Fails, saying what to run, when the pack's packages are not installed. */
    public static void assertPackInstalled() {
        assertThat(PACK.resolve("node_modules"))
                .as("the pack's packages must be installed (npm ci in templates/)")
                .isDirectory();
    }
}
