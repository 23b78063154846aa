package ir.flatrender.node.engines.timeline;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * A drop shadow in pixels: the silhouette of whatever it is applied to, blurred (three box
 * blurs, close to a gaussian whose sigma is half the blur) and offset.
 */
record Shadow(Color color, double blur, double dx, double dy) {
    static Shadow parse(SpecNode node, double unit) {
        if (node.json().isBoolean()) {
            return node.json().asBoolean() ? new Shadow(new Color(0, 0, 0, 150), 8 * unit, 0, 4 * unit) : null;
        }
        if (!node.isObject()) {
            throw new TimelineSpecException(
                    node.path(), "must be an object like {\"color\": \"#00000099\", \"blur\": 8}");
        }
        return new Shadow(
                node.color("color", new Color(0, 0, 0, 150)),
                node.number("blur", 8, 0, 500) * unit,
                node.number("dx", 0, -1000, 1000) * unit,
                node.number("dy", 4, -1000, 1000) * unit);
    }

    Sprite apply(Sprite sprite) {
        BufferedImage content = sprite.image();
        int radius = boxRadius();
        int spread = 3 * radius + 1;
        int left = spread + (int) Math.ceil(Math.max(0, -dx));
        int top = spread + (int) Math.ceil(Math.max(0, -dy));
        int width = content.getWidth() + 2 * spread + (int) Math.ceil(Math.abs(dx));
        int height = content.getHeight() + 2 * spread + (int) Math.ceil(Math.abs(dy));
        int shadowX = left + (int) Math.round(dx);
        int shadowY = top + (int) Math.round(dy);

        int[] alpha = new int[width * height];
        int[] pixels = ((DataBufferInt) content.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < content.getHeight(); y++) {
            for (int x = 0; x < content.getWidth(); x++) {
                alpha[(y + shadowY) * width + x + shadowX] = pixels[y * content.getWidth() + x] >>> 24;
            }
        }
        for (int pass = 0; pass < 3 && radius > 0; pass++) {
            blurRows(alpha, width, height, radius);
            blurColumns(alpha, width, height, radius);
        }
        BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB_PRE);
        int[] out = ((DataBufferInt) result.getRaster().getDataBuffer()).getData();
        int shadowAlpha = color.getAlpha();
        for (int i = 0; i < out.length; i++) {
            int a = alpha[i] * shadowAlpha / 255;
            out[i] = (a << 24)
                    | ((color.getRed() * a / 255) << 16)
                    | ((color.getGreen() * a / 255) << 8)
                    | (color.getBlue() * a / 255);
        }
        Graphics2D g = result.createGraphics();
        g.setComposite(AlphaComposite.SrcOver);
        g.drawImage(content, left, top, null);
        g.dispose();
        return new Sprite(result, sprite.anchorX() + left, sprite.anchorY() + top);
    }

    private int boxRadius() {
        double sigma = blur / 2;
        double box = Math.sqrt(4 * sigma * sigma + 1);
        return (int) Math.max(0, Math.round((box - 1) / 2));
    }

    private static void blurRows(int[] data, int width, int height, int radius) {
        int[] row = new int[width];
        int window = 2 * radius + 1;
        for (int y = 0; y < height; y++) {
            int offset = y * width;
            int sum = 0;
            for (int x = -radius; x <= radius; x++) {
                sum += x >= 0 && x < width ? data[offset + x] : 0;
            }
            for (int x = 0; x < width; x++) {
                row[x] = sum / window;
                int out = x - radius;
                int in = x + radius + 1;
                sum += (in < width ? data[offset + in] : 0) - (out >= 0 ? data[offset + out] : 0);
            }
            System.arraycopy(row, 0, data, offset, width);
        }
    }

    private static void blurColumns(int[] data, int width, int height, int radius) {
        int[] column = new int[height];
        int window = 2 * radius + 1;
        for (int x = 0; x < width; x++) {
            int sum = 0;
            for (int y = -radius; y <= radius; y++) {
                sum += y >= 0 && y < height ? data[y * width + x] : 0;
            }
            for (int y = 0; y < height; y++) {
                column[y] = sum / window;
                int out = y - radius;
                int in = y + radius + 1;
                sum += (in < height ? data[in * width + x] : 0) - (out >= 0 ? data[out * width + x] : 0);
            }
            for (int y = 0; y < height; y++) {
                data[y * width + x] = column[y];
            }
        }
    }
}
