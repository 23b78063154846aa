package ir.flatrender.node.engines.timeline;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.LineMetrics;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;

/**
 * Text laid out once: lines broken at newlines and at the wrap width, each shaped and ordered
 * by the JDK's text layout (HarfBuzz shaping, Unicode bidi), so Persian reads right to left
 * with joined letters. Characters a font lacks fall back to Vazirmatn.
 */
final class TextBlock {
    /** Layout uses the same context as drawing: identity transform, antialiased, fractional. */
    private static final FontRenderContext CONTEXT = new FontRenderContext(new AffineTransform(), true, true);

    /** @param separators characters after the line that the reveal counts (the newline ending a paragraph) */
    private record Line(String text, TextLayout layout, double x, boolean leftToRight, int separators) {}

    private final TextStyle style;
    private final TimelineFonts fonts;
    private final List<Line> lines = new ArrayList<>();
    private final double lineHeight;
    private final double ascent;
    private final double descent;
    private final double width;
    private final int length;

    TextBlock(String text, TextStyle style, TimelineFonts fonts) {
        this.style = style;
        this.fonts = fonts;
        Font font = fonts.font(style.family(), style.bold(), style.size());
        LineMetrics metrics = font.getLineMetrics("Hgبی", CONTEXT);
        this.ascent = metrics.getAscent();
        this.descent = metrics.getDescent();
        this.lineHeight = style.size() * style.lineHeight();
        this.length = text.codePointCount(0, text.length());

        List<String> texts = new ArrayList<>();
        List<TextLayout> layouts = new ArrayList<>();
        List<Integer> separators = new ArrayList<>();
        String[] paragraphs = text.split("\n", -1);
        for (int p = 0; p < paragraphs.length; p++) {
            String paragraph = paragraphs[p];
            if (paragraph.isEmpty()) {
                texts.add("");
                layouts.add(null);
                separators.add(p < paragraphs.length - 1 ? 1 : 0);
                continue;
            }
            if (style.maxWidth() > 0) {
                LineBreakMeasurer measurer =
                        new LineBreakMeasurer(attributed(paragraph).getIterator(), CONTEXT);
                while (measurer.getPosition() < paragraph.length()) {
                    int start = measurer.getPosition();
                    measurer.nextLayout((float) style.maxWidth());
                    String line = paragraph.substring(start, measurer.getPosition());
                    texts.add(line);
                    layouts.add(layout(line));
                    separators.add(0);
                }
            } else {
                texts.add(paragraph);
                layouts.add(layout(paragraph));
                separators.add(0);
            }
            if (p < paragraphs.length - 1) {
                separators.set(separators.size() - 1, 1);
            }
        }
        double widest = 0;
        for (TextLayout layout : layouts) {
            widest = Math.max(widest, layout == null ? 0 : layout.getVisibleAdvance());
        }
        this.width = widest;
        boolean blockLeftToRight = layouts.stream()
                .filter(l -> l != null)
                .findFirst()
                .map(TextLayout::isLeftToRight)
                .orElse(true);
        for (int i = 0; i < texts.size(); i++) {
            TextLayout layout = layouts.get(i);
            double advance = layout == null ? 0 : layout.getVisibleAdvance();
            double x = switch (resolvedAlign(blockLeftToRight)) {
                case "left" -> 0;
                case "right" -> width - advance;
                default -> (width - advance) / 2;
            };
            lines.add(new Line(texts.get(i), layout, x, layout == null || layout.isLeftToRight(), separators.get(i)));
        }
    }

    private String resolvedAlign(boolean leftToRight) {
        return switch (style.align()) {
            case "start" -> leftToRight ? "left" : "right";
            case "end" -> leftToRight ? "right" : "left";
            default -> style.align();
        };
    }

    private AttributedString attributed(String text) {
        AttributedString attributed = new AttributedString(text);
        Font font = fonts.font(style.family(), style.bold(), style.size());
        Font fallback = fonts.font(TimelineFonts.VAZIRMATN, style.bold(), style.size());
        int start = 0;
        while (start < text.length()) {
            boolean own = font.canDisplay(text.codePointAt(start));
            int end = start;
            while (end < text.length() && font.canDisplay(text.codePointAt(end)) == own) {
                end += Character.charCount(text.codePointAt(end));
            }
            attributed.addAttribute(TextAttribute.FONT, own ? font : fallback, start, end);
            start = end;
        }
        return attributed;
    }

    /**
     * Lays out a line without its trailing spaces: in right-to-left text they sit at the
     * line's visual left and would push the glyphs off their place.
     */
    private TextLayout layout(String text) {
        String visible = text.stripTrailing();
        return new TextLayout(attributed(visible.isEmpty() ? " " : visible).getIterator(), CONTEXT);
    }

    /** Characters (code points) in the text, for the typewriter. */
    int length() {
        return length;
    }

    /**
     * Draws the first {@code reveal} characters (all of them when it is the length) at their
     * places in the full layout, over the box if there is one.
     */
    Sprite sprite(int reveal, Anchor anchor) {
        double padding = style.box() == null ? 0 : style.box().padding();
        double boxWidth = width + 2 * padding;
        double boxHeight = lines.size() * lineHeight + 2 * padding;
        // One pixel of room around the box for antialiased edges.
        int imageWidth = (int) Math.ceil(boxWidth) + 2;
        int imageHeight = (int) Math.ceil(boxHeight) + 2;
        BufferedImage image = new BufferedImage(imageWidth, imageHeight, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        Drawing.hints(g);
        g.translate(1, 1);
        if (style.box() != null) {
            g.setColor(style.box().color());
            double arc = 2 * style.box().radius();
            g.fill(new RoundRectangle2D.Double(0, 0, boxWidth, boxHeight, arc, arc));
        }
        g.setColor(style.color());
        int remaining = reveal;
        for (int i = 0; i < lines.size() && remaining > 0; i++) {
            Line line = lines.get(i);
            int count = line.text().codePointCount(0, line.text().length());
            double baseline = padding + i * lineHeight + (lineHeight - (ascent + descent)) / 2 + ascent;
            if (line.layout() != null) {
                if (remaining >= count) {
                    line.layout().draw(g, (float) (padding + line.x()), (float) baseline);
                } else {
                    String part = line.text().substring(0, line.text().offsetByCodePoints(0, remaining));
                    TextLayout partial = layout(part);
                    double full = line.layout().getVisibleAdvance();
                    double shift = line.leftToRight() ? 0 : full - partial.getVisibleAdvance();
                    partial.draw(g, (float) (padding + line.x() + shift), (float) baseline);
                }
            }
            remaining -= count + line.separators();
        }
        g.dispose();
        return new Sprite(image, 1 + anchor.x() * boxWidth, 1 + anchor.y() * boxHeight);
    }
}
