package ir.flatrender.node.engines.timeline;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Images named by templates and bindings: package files or data URIs, decoded and scaled. */
final class Images {
    private static final Pattern DATA_URI = Pattern.compile("data:image/(png|jpeg);base64,(.*)", Pattern.DOTALL);

    private Images() {}

    static BufferedImage read(String value, AssetSource assets, String path) {
        byte[] bytes;
        Matcher data = DATA_URI.matcher(value);
        if (data.matches()) {
            try {
                bytes = Base64.getDecoder().decode(data.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new TimelineSpecException(path, "the data URI is not valid base64");
            }
        } else {
            if (value.startsWith("/")
                    || value.contains("\\")
                    || value.contains(":")
                    || List.of(value.split("/")).contains("..")) {
                throw new TimelineSpecException(path, "'" + value + "' must name a file inside the template package");
            }
            try {
                bytes = assets.read(value);
            } catch (IOException e) {
                throw new TimelineSpecException(path, "cannot read image '" + value + "': " + e.getMessage(), e);
            }
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new TimelineSpecException(path, "the image cannot be decoded: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new TimelineSpecException(path, "is not an image this engine reads (PNG or JPEG)");
        }
        return toPremultiplied(image);
    }

    static BufferedImage toPremultiplied(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = copy.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return copy;
    }

    /**
     * Scales with good quality: halves in steps while far larger than the target (a single
     * bicubic step from far above aliases), then one bicubic step to the exact size.
     */
    static BufferedImage scale(BufferedImage source, int width, int height) {
        BufferedImage current = source;
        while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
            current = draw(
                    current,
                    current.getWidth() / 2,
                    current.getHeight() / 2,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return draw(current, width, height, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, Object interpolation) {
        BufferedImage target =
                new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = target.createGraphics();
        Drawing.hints(g);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.drawImage(source, 0, 0, target.getWidth(), target.getHeight(), null);
        g.dispose();
        return target;
    }

    /** Scales an image into a box; with one side given, the other keeps the image's proportions. */
    static BufferedImage fit(
            BufferedImage image, Double boxWidth, Double boxHeight, String fit, String path, double unit) {
        double iw = image.getWidth();
        double ih = image.getHeight();
        if (!fit.equals("contain") && !fit.equals("cover")) {
            throw new TimelineSpecException(path, "must be contain or cover");
        }
        if (boxWidth == null && boxHeight == null) {
            return Images.scale(
                    image, (int) Math.max(1, Math.round(iw * unit)), (int) Math.max(1, Math.round(ih * unit)));
        }
        if (boxWidth == null || boxHeight == null) {
            double scale = boxWidth != null ? boxWidth / iw : boxHeight / ih;
            return Images.scale(
                    image, (int) Math.max(1, Math.round(iw * scale)), (int) Math.max(1, Math.round(ih * scale)));
        }
        double scale = fit.equals("contain")
                ? Math.min(boxWidth / iw, boxHeight / ih)
                : Math.max(boxWidth / iw, boxHeight / ih);
        BufferedImage scaled = Images.scale(
                image, (int) Math.max(1, Math.round(iw * scale)), (int) Math.max(1, Math.round(ih * scale)));
        if (fit.equals("contain")) {
            return scaled;
        }
        int width = (int) Math.max(1, Math.round(boxWidth));
        int height = (int) Math.max(1, Math.round(boxHeight));
        return scaled.getSubimage(
                (scaled.getWidth() - width) / 2,
                (scaled.getHeight() - height) / 2,
                Math.min(width, scaled.getWidth()),
                Math.min(height, scaled.getHeight()));
    }
}
