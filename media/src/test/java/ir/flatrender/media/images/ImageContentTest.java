package ir.flatrender.media.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageContentTest {
    private static final String NS = "xmlns=\"http://www.w3.org/2000/svg\"";

    static byte[] picture(String format, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static byte[] svg(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pngAndJpegAreKnownByTheirBytesAndDecodedWhole() throws Exception {
        assertThat(ImageContent.inspect(picture("png", 120, 80)))
                .isEqualTo(new ImageContent.Inspection(ImageContent.PNG, 120, 80));
        assertThat(ImageContent.inspect(picture("jpeg", 64, 48)))
                .isEqualTo(new ImageContent.Inspection(ImageContent.JPEG, 64, 48));
    }

    @Test
    void anythingElseIsRefusedWhateverItIsCalled() {
        assertThatThrownBy(() -> ImageContent.inspect("GIF89a not really".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ImageContent.RefusedImage.class)
                .hasMessageContaining("is not a PNG, JPEG or SVG");
        assertThatThrownBy(() -> ImageContent.inspect(new byte[0])).isInstanceOf(ImageContent.RefusedImage.class);
    }

    @Test
    void aTruncatedPictureIsRefusedHereNotAtRenderTime() throws Exception {
        byte[] png = picture("png", 200, 200);
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageContent.inspect(cut))
                .isInstanceOf(ImageContent.RefusedImage.class)
                .hasMessageContaining("PNG");
        byte[] jpeg = picture("jpeg", 200, 200);
        assertThatThrownBy(() -> ImageContent.inspect(Arrays.copyOf(jpeg, 40)))
                .isInstanceOf(ImageContent.RefusedImage.class)
                .hasMessageContaining("JPEG");
    }

    @Test
    void aSmallFileThatUnpacksToAHugePictureIsRefusedBeforeDecoding() throws Exception {
        byte[] png = picture("png", 10, 10);
        // The same file claiming 20000 x 20000 and then 5000 x 5000 pixels in its header.
        ByteBuffer.wrap(png, 16, 8).putInt(20_000).putInt(20_000);
        assertThatThrownBy(() -> ImageContent.inspect(png)).hasMessageContaining("at most 8192 on a side");
        ByteBuffer.wrap(png, 16, 8).putInt(5_000).putInt(5_000);
        assertThatThrownBy(() -> ImageContent.inspect(png))
                .hasMessageContaining("5000x5000")
                .hasMessageContaining("4096x4096");
    }

    @Test
    void anSvgTakesItsSizeFromWidthAndHeightOrItsViewBox() throws Exception {
        assertThat(ImageContent.inspect(
                        svg("<svg " + NS + " viewBox=\"0 0 200 100\"><rect width=\"10\" height=\"10\"/></svg>")))
                .isEqualTo(new ImageContent.Inspection(ImageContent.SVG, 200, 100));
        assertThat(ImageContent.inspect(svg("\uFEFF<?xml version=\"1.0\"?>\n<svg " + NS
                        + " width=\"300px\" viewBox=\"0 0 200 100\"><circle r=\"5\" style=\"fill:url(#g)\"/></svg>")))
                .isEqualTo(new ImageContent.Inspection(ImageContent.SVG, 300, 150));
        assertThat(ImageContent.inspect(svg("<svg " + NS + " width=\"64\" height=\"32\"/>")))
                .isEqualTo(new ImageContent.Inspection(ImageContent.SVG, 64, 32));
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " width=\"100%\"/>")))
                .hasMessageContaining("no size");
    }

    @Test
    void anSvgThatCouldRunAScriptIsRefused() {
        assertThatThrownBy(() -> ImageContent.inspect(
                        svg("<svg " + NS + " viewBox=\"0 0 1 1\"><script>alert(1)</script></svg>")))
                .hasMessageContaining("<script>");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\" onload=\"alert(1)\"/>")))
                .hasMessageContaining("event handler (onload)");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\"><foreignObject>"
                        + "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject></svg>")))
                .hasMessageContaining("<foreignObject>");
    }

    @Test
    void anSvgThatReachesOutsideItselfIsRefused() {
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS
                        + " xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 1 1\">"
                        + "<image xlink:href=\"http://169.254.169.254/latest\"/></svg>")))
                .hasMessageContaining("links outside itself");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\">"
                        + "<style>rect { fill: url(https://example.com/x.svg#p) }</style></svg>")))
                .hasMessageContaining("url(https://example.com");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\">"
                        + "<style>@import 'https://example.com/a.css';</style></svg>")))
                .hasMessageContaining("imports a stylesheet");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM"
                        + " \"file:///etc/passwd\">]><svg " + NS + " viewBox=\"0 0 1 1\"><text>&x;</text></svg>")))
                .hasMessageContaining("DOCTYPE");
        // An embedded raster picture and a #fragment are inside the file.
        String pixel =
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        try {
            ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\"><defs><rect id=\"r\"/></defs>"
                    + "<use href=\"#r\"/><image href=\"" + pixel + "\"/></svg>"));
        } catch (ImageContent.RefusedImage e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void xmlThatIsNotAnSvgOrNotWellFormedIsRefused() {
        assertThatThrownBy(() -> ImageContent.inspect(svg("<html><svg " + NS + "/></html>")))
                .hasMessageContaining("not an SVG image");
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg " + NS + " viewBox=\"0 0 1 1\"><g></svg>")))
                .hasMessageContaining("not well-formed");
        // The SVG namespace is what makes an <svg> an SVG.
        assertThatThrownBy(() -> ImageContent.inspect(svg("<svg viewBox=\"0 0 1 1\"/>")))
                .hasMessageContaining("not an SVG image");
    }
}
