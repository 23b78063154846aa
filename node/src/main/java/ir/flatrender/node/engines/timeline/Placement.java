package ir.flatrender.node.engines.timeline;

import java.util.List;

/**
 * Where and when an element shows: its track's z order (ties by spec order), its time span in
 * seconds, its anchor's place in pixels, how it animates, and its shadow (or null).
 */
record Placement(
        int z,
        int order,
        double from,
        double to,
        double x,
        double y,
        Anchor anchor,
        List<Animation> animations,
        Shadow shadow) {
    Placement {
        animations = List.copyOf(animations);
    }

    Sprite shadowed(Sprite sprite) {
        return shadow == null ? sprite : shadow.apply(sprite);
    }
}
