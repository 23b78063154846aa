package ir.flatrender.node.engines;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** Renders the frames of a chunk. One engine instance serves every slot of a node. */
public interface Engine {
    /** The name templates use: {@code timeline}, {@code remotion}, {@code aftereffects}. */
    String name();

    /**
     * Renders {@code request}'s frames in order into the sink.
     *
     * @param cancelled polled between frames; the engine stops soon after it turns true
     * @throws IOException when the sink (the encoder) fails
     */
    void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException;
}
