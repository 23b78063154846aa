package ir.flatrender.node.engines;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** Takes rendered frames in order: {@code TYPE_3BYTE_BGR} images of the requested size. */
@FunctionalInterface
public interface FrameSink {
    void frame(BufferedImage frame) throws IOException;
}
