package ir.flatrender.node.engines;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.timeline.AssetSource;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.node.engines.timeline.TimelineRenderer;
import ir.flatrender.node.engines.timeline.TimelineScene;
import ir.flatrender.node.engines.timeline.TimelineSpecException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The built-in engine: draws the template spec with Java2D inside the node's JVM. It needs no
 * process of its own (starting a JVM per chunk would cost more than short chunks take), and
 * stops between frames when cancelled.
 */
public final class TimelineEngine implements Engine {
    private final TimelineRenderer renderer;

    public TimelineEngine(TimelineFonts fonts) {
        this.renderer = new TimelineRenderer(requireNonNull(fonts, "fonts is null"));
    }

    @Override
    public String name() {
        return "timeline";
    }

    @Override
    public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException {
        TimelineScene scene;
        try {
            scene = renderer.prepare(
                    request.manifest().path("spec"),
                    request.bindings(),
                    request.aspect(),
                    request.width(),
                    request.height(),
                    request.fps(),
                    assets(request.packageDirectory()));
        } catch (TimelineSpecException e) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "template spec: " + e.getMessage());
        }
        BufferedImage frame = scene.newFrameBuffer();
        for (int n = request.firstFrame(); n <= request.lastFrame(); n++) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cancelled at frame " + n);
            }
            try {
                scene.renderFrame(n, frame);
            } catch (RuntimeException e) {
                throw new EngineException(FailureKind.CRASH, "frame " + n + " failed to render: " + e, "", e);
            }
            sink.frame(frame);
        }
    }

    /** Reads package files, refusing any name that would leave the package folder. */
    static AssetSource assets(Path packageDirectory) {
        Path root = packageDirectory.toAbsolutePath().normalize();
        return name -> {
            Path file = root.resolve(name).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new IOException("asset '" + name + "' is outside the template package");
            }
            try {
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new IOException("the template package has no file '" + name + "'", e);
            }
        };
    }
}
