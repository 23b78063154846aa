package ir.flatrender.node.engines.timeline;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * A prepared template: the background drawn once, and the elements in drawing order. Renders
 * any frame, in any order; the same frame always gives the same bytes. Not thread-safe: one
 * scene per thread.
 */
public final class TimelineScene {
    private final int width;
    private final int height;
    private final int fps;
    private final byte[] background;
    private final List<Layer> layers;

    TimelineScene(int width, int height, int fps, BufferedImage background, List<Layer> layers) {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.background = ((DataBufferByte) background.getRaster().getDataBuffer())
                .getData()
                .clone();
        this.layers = List.copyOf(layers);
    }

    /** A new frame buffer of the scene's size: {@code TYPE_3BYTE_BGR}. */
    public BufferedImage newFrameBuffer() {
        return new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Draws frame {@code frame} (time {@code frame / fps} seconds) over every pixel of the target. */
    public void renderFrame(int frame, BufferedImage target) {
        if (target.getType() != BufferedImage.TYPE_3BYTE_BGR
                || target.getWidth() != width
                || target.getHeight() != height) {
            throw new IllegalArgumentException("target must be a " + width + "x" + height + " TYPE_3BYTE_BGR image");
        }
        byte[] pixels = ((DataBufferByte) target.getRaster().getDataBuffer()).getData();
        System.arraycopy(background, 0, pixels, 0, background.length);
        double t = frame / (double) fps;
        Graphics2D g = target.createGraphics();
        try {
            Drawing.hints(g);
            for (Layer layer : layers) {
                layer.draw(g, t, width, height);
            }
        } finally {
            g.dispose();
        }
    }
}
