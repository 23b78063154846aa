package ir.flatrender.node.engines.timeline;

import java.awt.Color;

/**
 * How a text element looks, in pixels of the frame being rendered.
 *
 * @param family a bundled font family
 * @param maxWidth wrap width in pixels; 0 for no wrapping (lines still break at newlines)
 * @param lineHeight line spacing as a multiple of the size
 * @param box the box behind the text, or null
 */
record TextStyle(
        String family,
        boolean bold,
        float size,
        Color color,
        String align,
        double maxWidth,
        double lineHeight,
        Box box) {
    /** A filled, rounded box around the text. */
    record Box(Color color, double padding, double radius) {}
}
