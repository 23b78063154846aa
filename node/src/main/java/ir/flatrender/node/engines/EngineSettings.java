package ir.flatrender.node.engines;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the engines' programs are. An engine whose programs are missing or do not answer is
 * not offered by the node.
 *
 * @param nodeJs the Node.js program for Remotion; found on the PATH when empty
 * @param chromium the browser Remotion renders with; {@code /usr/bin/chromium} when empty
 * @param remotionRunner the folder of the Remotion runner (node/remotion with its
 *     node_modules); Remotion is off when empty
 * @param aerender After Effects' {@code aerender}; After Effects is off when empty
 * @param noProgressTimeout how long an engine process may go without output or a new frame
 * @param gl the OpenGL renderer Remotion's Chromium uses ({@code swangle}, {@code angle},
 *     {@code angle-egl}, {@code egl}, {@code vulkan}, ...; on a node with a GPU, {@code angle-egl}
 *     or {@code vulkan} draws WebGL on it); Remotion's own default (software) when empty
 */
public record EngineSettings(
        Optional<Path> nodeJs,
        Optional<Path> chromium,
        Optional<Path> remotionRunner,
        Optional<Path> aerender,
        Duration noProgressTimeout,
        Optional<String> gl) {
    /** Remotion's OpenGL renderers, as its {@code gl} option names them. */
    public static final java.util.Set<String> GL_RENDERERS =
            java.util.Set.of("swangle", "angle", "angle-egl", "egl", "swiftshader", "vulkan");

    public EngineSettings {
        requireNonNull(nodeJs, "nodeJs is null");
        requireNonNull(chromium, "chromium is null");
        requireNonNull(remotionRunner, "remotionRunner is null");
        requireNonNull(aerender, "aerender is null");
        requireNonNull(noProgressTimeout, "noProgressTimeout is null");
        requireNonNull(gl, "gl is null");
        if (gl.isPresent() && !GL_RENDERERS.contains(gl.get())) {
            throw new IllegalArgumentException(
                    "gl must be one of " + new java.util.TreeSet<>(GL_RENDERERS) + ", not " + gl.get());
        }
    }

    /** With Remotion's own choice of OpenGL renderer. */
    public EngineSettings(
            Optional<Path> nodeJs,
            Optional<Path> chromium,
            Optional<Path> remotionRunner,
            Optional<Path> aerender,
            Duration noProgressTimeout) {
        this(nodeJs, chromium, remotionRunner, aerender, noProgressTimeout, Optional.empty());
    }

    /** Only the built-in timeline engine. */
    public static EngineSettings timelineOnly() {
        return new EngineSettings(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(120));
    }

    public EngineSettings withRemotion(Path runner, Optional<Path> browser) {
        return new EngineSettings(nodeJs, browser, Optional.of(runner), aerender, noProgressTimeout, gl);
    }

    public EngineSettings withAerender(Path program) {
        return new EngineSettings(nodeJs, chromium, remotionRunner, Optional.of(program), noProgressTimeout, gl);
    }

    public EngineSettings withGl(String renderer) {
        return new EngineSettings(nodeJs, chromium, remotionRunner, aerender, noProgressTimeout, Optional.of(renderer));
    }
}
