package ir.flatrender.node.engines.timeline;

import java.util.Map;

/**
 * A point of a box as fractions of its width and height: (0, 0) is the top left, (0.5, 0.5)
 * the centre. Named positions place an element's like-named point at that place of the
 * frame, a margin in from the edge.
 */
record Anchor(double x, double y) {
    static final Anchor CENTER = new Anchor(0.5, 0.5);
    /** The margin named positions keep from the frame's edges, as a fraction of the frame. */
    static final double MARGIN = 0.06;

    private static final Map<String, Anchor> NAMED = Map.of(
            "center", CENTER,
            "top", new Anchor(0.5, 0),
            "bottom", new Anchor(0.5, 1),
            "left", new Anchor(0, 0.5),
            "right", new Anchor(1, 0.5),
            "top-left", new Anchor(0, 0),
            "top-right", new Anchor(1, 0),
            "bottom-left", new Anchor(0, 1),
            "bottom-right", new Anchor(1, 1));

    static Anchor named(SpecNode node) {
        Anchor anchor = NAMED.get(node.text());
        if (anchor == null) {
            throw new TimelineSpecException(
                    node.path(), "unknown position '" + node.text() + "'; one of " + NAMED.keySet());
        }
        return anchor;
    }

    /** Where a named position puts its point in the frame, as fractions. */
    Anchor framePosition() {
        return new Anchor(MARGIN + x * (1 - 2 * MARGIN), MARGIN + y * (1 - 2 * MARGIN));
    }
}
