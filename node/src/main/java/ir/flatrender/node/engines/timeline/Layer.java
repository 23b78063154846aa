package ir.flatrender.node.engines.timeline;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.util.function.IntFunction;

/**
 * An element on the timeline: when it shows, where its anchor sits (pixels), how it animates,
 * and its sprite (one for all frames, or one per revealed length for the typewriter).
 */
final class Layer {
    private final Placement placement;
    private final IntFunction<Sprite> sprites;
    private final int length;
    private final Sprite full;

    /**
     * @param sprites the sprite showing the first n characters (texts) or everything (n ignored)
     * @param length the number of characters a typewriter reveals; 1 for other elements
     */
    Layer(Placement placement, IntFunction<Sprite> sprites, int length) {
        this.placement = placement;
        this.sprites = sprites;
        this.length = length;
        this.full = sprites.apply(length);
    }

    int z() {
        return placement.z();
    }

    int order() {
        return placement.order();
    }

    void draw(Graphics2D g, double t, int frameWidth, int frameHeight) {
        double from = placement.from();
        double to = placement.to();
        double x = placement.x();
        double y = placement.y();
        if (t < from || t >= to) {
            return;
        }
        double alpha = 1;
        double scale = 1;
        double dx = 0;
        double dy = 0;
        int reveal = length;
        double left = x - full.anchorX();
        double top = y - full.anchorY();
        int width = full.image().getWidth();
        int height = full.image().getHeight();
        for (Animation animation : placement.animations()) {
            double p = animation.progress(t, from, to);
            switch (animation.kind()) {
                case FADE_IN -> alpha *= p;
                case FADE_OUT -> alpha *= 1 - p;
                case SCALE_IN -> scale *= p;
                case SCALE_OUT -> scale *= 1 - p;
                case TYPEWRITER -> reveal = Math.min(reveal, (int) Math.floor(p * length));
                case SLIDE_IN, SLIDE_OUT -> {
                    // The distance that puts the element just outside the frame on that side.
                    double away = animation.kind() == Animation.Kind.SLIDE_IN ? 1 - p : p;
                    switch (animation.side()) {
                        case LEFT -> dx += -(left + width) * away;
                        case RIGHT -> dx += (frameWidth - left) * away;
                        case TOP -> dy += -(top + height) * away;
                        case BOTTOM -> dy += (frameHeight - top) * away;
                        case NONE -> {}
                    }
                }
            }
        }
        if (alpha <= 0 || scale <= 0 || reveal <= 0) {
            return;
        }
        Sprite sprite = reveal == length ? full : sprites.apply(reveal);
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) Math.min(1, alpha)));
        if (scale == 1) {
            // Whole pixels: no resampling, so a still element stays sharp.
            g.drawImage(
                    sprite.image(),
                    (int) Math.round(x + dx - sprite.anchorX()),
                    (int) Math.round(y + dy - sprite.anchorY()),
                    null);
        } else {
            AffineTransform transform = new AffineTransform();
            transform.translate(x + dx, y + dy);
            transform.scale(scale, scale);
            transform.translate(-sprite.anchorX(), -sprite.anchorY());
            g.drawImage(sprite.image(), transform, null);
        }
    }
}
