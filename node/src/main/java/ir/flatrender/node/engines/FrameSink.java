package ir.flatrender.node.engines;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** Takes rendered frames in order: {@code TYPE_3BYTE_BGR} images of the requested size. */
@FunctionalInterface
public interface FrameSink {
    void frame(BufferedImage frame) throws IOException;

    /**
     * An engine program has rendered this many of the chunk's frames, not yet handed over. Engines
     * that run a program (Remotion, After Effects) say so as the program reports it, so a chunk's
     * progress moves while the program works; called from the program's output threads.
     */
    default void rendered(int frames) {}
}
