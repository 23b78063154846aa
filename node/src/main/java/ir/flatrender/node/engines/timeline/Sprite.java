package ir.flatrender.node.engines.timeline;

import java.awt.image.BufferedImage;

/**
 * An element drawn once at full opacity, ready to be composited every frame.
 *
 * @param image premultiplied ARGB
 * @param anchorX where, in the image, the element's anchor point is
 * @param anchorY where, in the image, the element's anchor point is
 */
record Sprite(BufferedImage image, double anchorX, double anchorY) {
    static final Sprite EMPTY = new Sprite(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE), 0, 0);
}
