package ir.flatrender.node.engines.timeline;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.LinearGradientPaint;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** A spec's {@code background}: black, a solid colour, a linear gradient or an image, drawn once per scene. */
final class Backgrounds {
    private Backgrounds() {}

    static BufferedImage draw(SpecNode node, TimelineRenderer.Frame frame) {
        BufferedImage background = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = background.createGraphics();
        Drawing.hints(g);
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, frame.width(), frame.height());
            if (node.json().isMissingNode() || node.json().isNull()) {
                return background;
            }
            String type = node.child("type").text();
            switch (type) {
                case "solid" -> {
                    g.setColor(node.child("color").color());
                    g.fillRect(0, 0, frame.width(), frame.height());
                }
                case "gradient" -> g.setPaint(gradient(node, frame));
                case "image" -> {
                    g.setColor(node.color("color", Color.BLACK));
                    g.fillRect(0, 0, frame.width(), frame.height());
                    String name = node.child("image").text();
                    if (!name.isEmpty()) {
                        BufferedImage image = Images.fit(
                                Images.read(
                                        name,
                                        frame.assets(),
                                        node.child("image").path()),
                                (double) frame.width(),
                                (double) frame.height(),
                                node.text("fit", "cover"),
                                node.child("fit").path(),
                                frame.unit());
                        g.drawImage(
                                image,
                                (frame.width() - image.getWidth()) / 2,
                                (frame.height() - image.getHeight()) / 2,
                                null);
                    }
                }
                default ->
                    throw new TimelineSpecException(
                            node.child("type").path(),
                            "unknown background '" + type + "'; one of solid, gradient, image");
            }
            if (type.equals("gradient")) {
                g.fillRect(0, 0, frame.width(), frame.height());
            }
            return background;
        } finally {
            g.dispose();
        }
    }

    /** A linear gradient at a CSS-style angle: 0° runs to the top, 90° to the right, 180° (the default) down. */
    private static LinearGradientPaint gradient(SpecNode node, TimelineRenderer.Frame frame) {
        List<SpecNode> colorNodes = node.child("colors").items();
        if (colorNodes.size() < 2) {
            throw new TimelineSpecException(node.child("colors").path(), "a gradient needs at least two colours");
        }
        Color[] colors = colorNodes.stream().map(SpecNode::color).toArray(Color[]::new);
        float[] stops = new float[colors.length];
        List<SpecNode> stopNodes = node.child("stops").items();
        if (!stopNodes.isEmpty() && stopNodes.size() != colors.length) {
            throw new TimelineSpecException(node.child("stops").path(), "needs one stop per colour");
        }
        for (int i = 0; i < colors.length; i++) {
            stops[i] = stopNodes.isEmpty()
                    ? (float) i / (colors.length - 1)
                    : (float) stopNodes.get(i).number();
            if (stops[i] < 0 || stops[i] > 1 || (i > 0 && stops[i] <= stops[i - 1])) {
                throw new TimelineSpecException(node.child("stops").path(), "stops must rise from 0 to 1");
            }
        }
        double angle = Math.toRadians(node.number("angle", 180, -3600, 3600));
        double dx = Math.sin(angle);
        double dy = -Math.cos(angle);
        double half = (Math.abs(frame.width() * dx) + Math.abs(frame.height() * dy)) / 2;
        double cx = frame.width() / 2.0;
        double cy = frame.height() / 2.0;
        Point2D start = new Point2D.Double(cx - dx * half, cy - dy * half);
        Point2D end = new Point2D.Double(cx + dx * half, cy + dy * half);
        if (start.distance(end) < 1e-6) {
            end = new Point2D.Double(start.getX(), start.getY() + 1);
        }
        return new LinearGradientPaint(start, end, stops, colors);
    }
}
