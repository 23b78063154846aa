package ir.flatrender.node.engines;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** Renders the frames of a chunk. One engine instance serves every slot of a node. */
public interface Engine {
    /** The name templates use: {@code timeline}, {@code remotion}, {@code aftereffects}. */
    String name();

    /** What it can do beyond its name, found working at start-up: {@code webgl}. */
    default java.util.Set<String> capabilities() {
        return java.util.Set.of();
    }

    /**
     * Renders {@code request}'s frames in order into the sink.
     *
     * @param cancelled polled between frames; the engine stops soon after it turns true
     * @throws IOException when the sink (the encoder) fails
     */
    void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException;

    /**
     * Renders the composition's own sound for the whole frame range into a WAV file, for the
     * farm to mix in at assembly without seams. Engines that make no sound do not override it.
     */
    default void renderAudio(EngineRequest request, java.nio.file.Path wav, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException {
        throw new EngineException(FailureKind.LAUNCH_FAILURE, "the " + name() + " engine renders no sound");
    }
}
