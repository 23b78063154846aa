package ir.flatrender.node.engines.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Persian must come out right to left with joined letters. The engine's rendering is compared
 * with three drawings made here directly with the same font: the correctly shaped right-to-left
 * glyph run (must match), and two wrong ones that a naive renderer would produce: the letters
 * unjoined in their isolated forms, and the joined letters laid out left to right (both must
 * differ). Everything is compared on the ink's bounding box, so position does not matter.
 */
class PersianTextTest {
    private static final TimelineFonts FONTS = TimelineFonts.loadBundled();
    private static final FontRenderContext CONTEXT = new FontRenderContext(new AffineTransform(), true, true);
    private static final int SIZE = 120;
    private static final String SALAM = "سلام";

    private static BufferedImage engine(String text) {
        TimelineScene scene = new TimelineRenderer(FONTS)
                .prepare(
                        TimelineRendererTest.json("{'background': {'type': 'solid', 'color': '#000000'},"
                                + " 'overlays': [{'content': {'type': 'text', 'text': '" + text
                                + "', 'font': 'Vazirmatn', 'weight': 'bold', 'size': " + SIZE
                                + ", 'color': '#ffffff'}}]}"),
                        new ObjectMapper().createObjectNode(),
                        "1:1",
                        1080,
                        1080,
                        30,
                        name -> new byte[0]);
        BufferedImage image = scene.newFrameBuffer();
        scene.renderFrame(0, image);
        return image;
    }

    private static BufferedImage draw(GlyphVector glyphs) {
        BufferedImage image = new BufferedImage(1080, 1080, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        Drawing.hints(g);
        g.setColor(Color.WHITE);
        g.drawGlyphVector(glyphs, 300, 540);
        g.dispose();
        return image;
    }

    private static Font font() {
        return FONTS.font(TimelineFonts.VAZIRMATN, true, SIZE);
    }

    /** The correct shaping: the JDK's layout engine, right to left. */
    private static GlyphVector shapedRightToLeft(String text) {
        char[] chars = text.toCharArray();
        return font().layoutGlyphVector(CONTEXT, chars, 0, chars.length, Font.LAYOUT_RIGHT_TO_LEFT);
    }

    @Test
    void persianIsShapedAndRunsRightToLeft() {
        BufferedImage rendered = ink(engine(SALAM));
        BufferedImage correct = ink(draw(shapedRightToLeft(SALAM)));
        // Unjoined: each letter in its isolated form, placed right to left.
        BufferedImage unjoined = ink(draw(font().createGlyphVector(
                        CONTEXT, new StringBuilder(SALAM).reverse().toString())));
        // Joined but laid out left to right.
        char[] chars = SALAM.toCharArray();
        BufferedImage leftToRight =
                ink(draw(font().layoutGlyphVector(CONTEXT, chars, 0, chars.length, Font.LAYOUT_LEFT_TO_RIGHT)));

        assertThat(difference(rendered, correct))
                .as("engine vs shaped right-to-left")
                .isLessThan(6.0);
        assertThat(difference(rendered, unjoined)).as("engine vs unjoined").isGreaterThan(25.0);
        assertThat(difference(rendered, leftToRight))
                .as("engine vs left-to-right")
                .isGreaterThan(25.0);
    }

    @Test
    void mixedTextPutsTheLatinRunLeftOfThePersianOne() {
        // Base direction is right to left (the first strong letter is Persian): the Persian
        // word comes first from the right, the Latin word follows to its left.
        BufferedImage mixed = ink(engine(SALAM + " FlatRender"));
        BufferedImage latin = ink(engine("FlatRender"));
        BufferedImage persian = ink(engine(SALAM));
        BufferedImage left = mixed.getSubimage(0, 0, latin.getWidth(), mixed.getHeight());
        BufferedImage right =
                mixed.getSubimage(mixed.getWidth() - persian.getWidth(), 0, persian.getWidth(), mixed.getHeight());
        assertThat(difference(ink(left), latin)).isLessThan(6.0);
        assertThat(difference(ink(right), persian)).isLessThan(6.0);
    }

    /** The smallest box holding every lit pixel, cut out. */
    static BufferedImage ink(BufferedImage image) {
        Rectangle box = null;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xff) > 40) {
                    box = box == null ? new Rectangle(x, y, 1, 1) : box.union(new Rectangle(x, y, 1, 1));
                }
            }
        }
        assertThat(box).as("some ink").isNotNull();
        return image.getSubimage(box.x, box.y, box.width, box.height);
    }

    /**
     * Mean absolute difference (0-255) of two ink boxes, compared over the larger box with the
     * smaller one padded black: boxes of different shapes differ a lot.
     */
    static double difference(BufferedImage a, BufferedImage b) {
        int width = Math.max(a.getWidth(), b.getWidth());
        int height = Math.max(a.getHeight(), b.getHeight());
        double sum = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int va = x < a.getWidth() && y < a.getHeight() ? a.getRGB(x, y) & 0xff : 0;
                int vb = x < b.getWidth() && y < b.getHeight() ? b.getRGB(x, y) & 0xff : 0;
                sum += Math.abs(va - vb);
            }
        }
        return sum / (width * height);
    }
}
