package ir.flatrender.tools.options;

import ir.flatrender.node.engines.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a node finds the engines' programs; engines it cannot run it does not offer. */
public final class EngineOptions {
    @Option(
            names = "--remotion-runner",
            defaultValue = "${env:FLATRENDER_REMOTION_RUNNER}",
            description = "The Remotion runner folder (node/remotion, after `npm ci`); env FLATRENDER_REMOTION_RUNNER. "
                    + "Default: node/remotion of this checkout when its packages are installed.")
    Path remotionRunner;

    @Option(
            names = "--chromium",
            defaultValue = "${env:FLATRENDER_CHROMIUM}",
            description = "Chromium for Remotion (env FLATRENDER_CHROMIUM; default /usr/bin/chromium).")
    Path chromium;

    @Option(
            names = "--gl",
            defaultValue = "${env:FLATRENDER_GL}",
            description =
                    "The OpenGL renderer of Remotion's Chromium (env FLATRENDER_GL): swangle, angle, angle-egl, egl,"
                            + " swiftshader or vulkan; on a node with a GPU, angle-egl or vulkan draws WebGL (3D templates) on"
                            + " it. Default: Remotion's own (software). The node probes it at start and offers WebGL only if"
                            + " it draws.")
    String gl;

    @Option(
            names = "--node-js",
            defaultValue = "${env:FLATRENDER_NODE_JS}",
            description = "Node.js for Remotion (default: node on the PATH).")
    Path nodeJs;

    @Option(
            names = "--aerender",
            defaultValue = "${env:FLATRENDER_AERENDER}",
            description = "After Effects' aerender program (env FLATRENDER_AERENDER); After Effects is off without it.")
    Path aerender;

    @Option(
            names = "--engine-no-progress-timeout",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description =
                    "Kill an engine program that prints nothing and renders no frame for this long (default: ${DEFAULT-VALUE}).")
    Duration noProgressTimeout;

    public EngineSettings settings() {
        return new EngineSettings(
                Optional.ofNullable(nodeJs),
                Optional.ofNullable(chromium),
                Optional.ofNullable(remotionRunner).or(EngineOptions::checkoutRunner),
                Optional.ofNullable(aerender),
                noProgressTimeout,
                Optional.ofNullable(gl).filter(g -> !g.isBlank()));
    }

    /** The runner of this checkout, when the launcher says where that is and its packages are installed. */
    private static Optional<Path> checkoutRunner() {
        return Optional.ofNullable(System.getenv("FLATRENDER_HOME"))
                .map(home -> Path.of(home, "node", "remotion"))
                .filter(runner -> Files.isDirectory(runner.resolve("node_modules")));
    }
}
