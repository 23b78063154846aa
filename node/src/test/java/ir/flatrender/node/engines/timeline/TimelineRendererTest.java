package ir.flatrender.node.engines.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TimelineRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TimelineRenderer RENDERER = new TimelineRenderer(TimelineFonts.loadBundled());
    private static final AssetSource NO_ASSETS = name -> {
        throw new IOException("no file " + name);
    };

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode bindings(String text) {
        return (ObjectNode) json(text);
    }

    private static TimelineScene scene(String spec, String aspect, int width, int height) {
        return RENDERER.prepare(json(spec), bindings("{}"), aspect, width, height, 30, NO_ASSETS);
    }

    private static BufferedImage frame(TimelineScene scene, int n) {
        BufferedImage image = scene.newFrameBuffer();
        scene.renderFrame(n, image);
        return image;
    }

    /** The pixel as 0xRRGGBB. */
    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    private static void assertColour(int actual, int expected, int tolerance) {
        for (int shift : new int[] {16, 8, 0}) {
            int a = (actual >> shift) & 0xff;
            int e = (expected >> shift) & 0xff;
            assertThat(Math.abs(a - e))
                    .as("colour %06x near %06x", actual, expected)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    private static final String RED_SQUARE =
            "{'background': {'type': 'solid', 'color': '#102030'}, 'tracks': [{'id': 't', 'z': 1}],"
                    + " 'overlays': [{'track': 't', 'from': 1, 'to': 2, 'pos': {'x': 0.5, 'y': 0.5},"
                    + " 'content': {'type': 'rect', 'color': '#ff0000', 'width': 0.2, 'height': 0.2}%s}]}";

    @Test
    void aSolidBackgroundFillsTheFrame() {
        BufferedImage image =
                frame(scene("{'background': {'type': 'solid', 'color': '#336699'}}", "16:9", 320, 180), 0);
        for (int[] point : new int[][] {{0, 0}, {319, 0}, {0, 179}, {319, 179}, {160, 90}}) {
            assertThat(rgb(image, point[0], point[1])).isEqualTo(0x336699);
        }
    }

    @Test
    void aGradientRunsFromItsFirstColourToItsLast() {
        TimelineScene scene = scene(
                "{'background': {'type': 'gradient', 'colors': ['#000000', '#ff8000'], 'angle': 90}}",
                "16:9",
                320,
                180);
        BufferedImage image = frame(scene, 0);
        assertColour(rgb(image, 0, 90), 0x000000, 3);
        assertColour(rgb(image, 319, 90), 0xff8000, 3);
        assertColour(rgb(image, 160, 90), 0x804000, 4);
        // Horizontal gradient: the same colour down a column.
        assertThat(rgb(image, 100, 0)).isEqualTo(rgb(image, 100, 179));
    }

    @Test
    void anOverlayShowsOnlyBetweenItsTimes() {
        TimelineScene scene = scene(RED_SQUARE.formatted(""), "16:9", 320, 180);
        assertThat(rgb(frame(scene, 15), 160, 90)).isEqualTo(0x102030);
        assertThat(rgb(frame(scene, 30), 160, 90)).isEqualTo(0xff0000);
        assertThat(rgb(frame(scene, 59), 160, 90)).isEqualTo(0xff0000);
        assertThat(rgb(frame(scene, 60), 160, 90)).isEqualTo(0x102030);
        // The square is 0.2 of the frame: 64x36 pixels around the centre.
        assertThat(rgb(frame(scene, 45), 160 + 30, 90 + 16)).isEqualTo(0xff0000);
        assertThat(rgb(frame(scene, 45), 160 + 36, 90)).isEqualTo(0x102030);
    }

    @Test
    void halfwayThroughALinearFadeTheColourIsHalfBlended() {
        TimelineScene scene = scene(
                RED_SQUARE.formatted(", 'anim': [{'type': 'fade-in', 'duration': 1, 'easing': 'linear'}]"),
                "16:9",
                320,
                180);
        // t = 1.5 s is halfway through the fade that starts at 1 s.
        assertColour(rgb(frame(scene, 45), 160, 90), 0x881018, 3);
    }

    @Test
    void aSlideStartsOutsideTheFrameAndEndsInPlace() {
        TimelineScene scene = scene(
                RED_SQUARE.formatted(
                        ", 'anim': [{'type': 'slide-in', 'from': 'left', 'duration': 0.5, 'easing': 'linear'}]"),
                "16:9",
                320,
                180);
        BufferedImage start = frame(scene, 30);
        for (int x = 0; x < 320; x++) {
            assertThat(rgb(start, x, 90))
                    .as("x=%d at the start of the slide", x)
                    .isEqualTo(0x102030);
        }
        BufferedImage halfway = frame(scene, 37);
        assertThat(rgb(halfway, 160, 90)).isEqualTo(0x102030);
        assertThat(rgb(halfway, 40, 90)).isEqualTo(0xff0000);
        assertThat(rgb(frame(scene, 45), 160, 90)).isEqualTo(0xff0000);
    }

    @Test
    void perAspectOverridesMoveAnElement() {
        String spec = "{'background': {'type': 'solid', 'color': '#000000'},"
                + " 'overlays': [{'pos': {'x': 0.25, 'y': 0.5}, 'aspects': {'9:16': {'pos': {'x': 0.75}}},"
                + " 'content': {'type': 'rect', 'color': '#00ff00', 'width': 0.1, 'height': 0.1}}]}";
        BufferedImage wide = frame(scene(spec, "16:9", 320, 180), 0);
        assertThat(rgb(wide, 80, 90)).isEqualTo(0x00ff00);
        assertThat(rgb(wide, 240, 90)).isEqualTo(0x000000);
        BufferedImage tall = frame(scene(spec, "9:16", 180, 320), 0);
        assertThat(rgb(tall, 135, 160)).isEqualTo(0x00ff00);
        assertThat(rgb(tall, 45, 160)).isEqualTo(0x000000);
    }

    @Test
    void bindingsReplaceTextsColoursAndImages() {
        String png = Base64.getEncoder().encodeToString(onePixelPng());
        String spec = "{'background': {'type': 'solid', 'color': '{{bg}}'},"
                + " 'overlays': [{'pos': {'x': 0.1, 'y': 0.1}, 'content': {'type': 'image', 'image': '{{logo}}', 'width': 0.1}},"
                + " {'pos': {'x': 0.5, 'y': 0.8}, 'content': {'type': 'rect', 'color': '{{accent}}', 'width': '{{w}}', 'height': 0.1}}]}";
        TimelineScene scene = RENDERER.prepare(
                json(spec),
                bindings("{'bg': '#000080', 'accent': '#ffff00', 'w': 0.5, 'logo': 'data:image/png;base64," + png
                        + "'}"),
                "16:9",
                320,
                180,
                30,
                NO_ASSETS);
        BufferedImage image = frame(scene, 0);
        assertThat(rgb(image, 300, 20)).isEqualTo(0x000080);
        assertThat(rgb(image, 32, 18)).isEqualTo(0xffffff);
        assertThat(rgb(image, 100, 144)).isEqualTo(0xffff00);
    }

    @Test
    void problemsNameTheirPath() {
        assertThatThrownBy(() -> RENDERER.prepare(
                        json("{'overlays': [{'content': {'type': 'text', 'text': 'Hi {{name}}'}}]}"),
                        bindings("{}"),
                        "16:9",
                        320,
                        180,
                        30,
                        NO_ASSETS))
                .isInstanceOf(TimelineSpecException.class)
                .hasMessageContaining("overlays[0].content.text")
                .hasMessageContaining("'name'");
        assertThatThrownBy(() -> scene("{'background': {'type': 'solid', 'color': 'red-ish'}}", "16:9", 320, 180))
                .hasMessage("background.color: not a colour: 'red-ish' (use #rgb, #rrggbb or #rrggbbaa)");
        assertThatThrownBy(() -> scene(
                        "{'overlays': [{'content': {'type': 'text', 'text': 'x', 'font': 'Comic Sans'}}]}",
                        "16:9",
                        320,
                        180))
                .hasMessageContaining("overlays[0].content.font: unknown font 'Comic Sans'")
                .hasMessageContaining("Vazirmatn");
        assertThatThrownBy(() -> scene(
                        "{'overlays': [{'content': {'type': 'image', 'image': '../secret.png'}}]}", "16:9", 320, 180))
                .hasMessageContaining("overlays[0].content.image")
                .hasMessageContaining("inside the template package");
        assertThatThrownBy(() -> RENDERER.prepare(
                        json("{'overlays': [{'content': {'type': 'image', 'image': 'logo.png'}}]}"),
                        bindings("{}"),
                        "16:9",
                        320,
                        180,
                        30,
                        name -> "not a png".getBytes()))
                .hasMessageContaining("overlays[0].content.image: is not an image");
        assertThatThrownBy(() -> scene(
                        "{'overlays': [{'track': 'nope', 'content': {'type': 'rect', 'color': '#fff', 'width': 1, 'height': 1}}]}",
                        "16:9",
                        320,
                        180))
                .hasMessageContaining("overlays[0].track: no track 'nope'");
        assertThatThrownBy(() -> scene(
                        "{'overlays': [{'content': {'type': 'rect', 'color': '#fff', 'width': 1, 'height': 1}, 'anim': 'wobble'}]}",
                        "16:9",
                        320,
                        180))
                .hasMessageContaining("overlays[0].anim: unknown animation 'wobble'");
    }

    @Test
    void theFentaSeedsShorthandRenders() {
        String spec = "{'tracks': [{'type': 'video', 'id': 'main', 'z': 0},"
                + " {'type': 'subtitle', 'id': 'subs', 'z': 10, 'style': {'font': 'Inter', 'size': 44, 'shadow': true, 'bg': 'box', 'position': 'bottom', 'margin': 120}},"
                + " {'type': 'overlay', 'id': 'top_text', 'z': 20}],"
                + " 'overlays': [{'track': 'top_text', 'from': 0, 'to': 3, 'content': {'type': 'text', 'text': 'BREAKING STORY', 'pos': 'top', 'anim': 'slide-down'}}],"
                + " 'subtitles': [{'from': 0, 'to': 2, 'text': 'Hello'}],"
                + " 'placeholders': {'cover': 'image', 'logo': 'image_optional'},"
                + " 'rules': {'cuts': 'auto_by_beats_or_speech'}, 'subtitle_style_presets': ['karaoke_bounce']}";
        TimelineScene scene = scene(spec, "9:16", 360, 640);
        BufferedImage image = frame(scene, 30);
        // The title, slid in, sits at the top; the subtitle box sits near the bottom.
        assertThat(inkRows(image, 0, 120)).isPositive();
        assertThat(inkRows(image, 480, 640)).isPositive();
    }

    private static int inkRows(BufferedImage image, int fromY, int toY) {
        int rows = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (rgb(image, x, y) != 0) {
                    rows++;
                    break;
                }
            }
        }
        return rows;
    }

    @Test
    void theSameFrameAlwaysGivesTheSameBytes() {
        ObjectNode sample = SampleSpec.bindings();
        TimelineScene first = SampleSpec.scene(sample, "16:9", 640, 360);
        TimelineScene second = SampleSpec.scene(sample, "16:9", 640, 360);
        byte[] once = bytes(frame(first, 187));
        for (int n = 0; n < 300; n += 37) {
            frame(first, n);
        }
        assertThat(bytes(frame(first, 187))).isEqualTo(once);
        assertThat(bytes(frame(second, 187))).isEqualTo(once);
    }

    static byte[] bytes(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
    }

    private static byte[] onePixelPng() {
        BufferedImage white = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        white.setRGB(0, 0, 0xffffff);
        try (var out = new java.io.ByteArrayOutputStream()) {
            javax.imageio.ImageIO.write(white, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
