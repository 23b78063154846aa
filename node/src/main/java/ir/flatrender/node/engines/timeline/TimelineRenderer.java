package ir.flatrender.node.engines.timeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Turns a template spec and a job's bindings into a {@link TimelineScene}: checks every
 * part of the spec (errors name the JSON path), substitutes the bindings, decodes images and
 * draws what does not change from frame to frame once. The format is described in
 * {@code package-info.java}.
 */
public final class TimelineRenderer {
    private static final Set<String> ASPECTS = Set.of("16:9", "1:1", "9:16");
    private static final Set<String> ALIGNS = Set.of("left", "right", "center", "start", "end");
    /** Lengths in a spec are in pixels of a frame whose short side is this. */
    private static final double REFERENCE_SHORT_SIDE = 1080;

    private final TimelineFonts fonts;

    public TimelineRenderer(TimelineFonts fonts) {
        this.fonts = requireNonNull(fonts, "fonts is null");
    }

    /** What every part of the spec is measured against. */
    record Frame(int width, int height, int fps, double unit, String aspect, AssetSource assets) {}

    private record Track(String id, String type, int z, SpecNode style) {}

    public TimelineScene prepare(
            JsonNode spec, ObjectNode bindings, String aspect, int width, int height, int fps, AssetSource assets) {
        requireNonNull(spec, "spec is null");
        requireNonNull(bindings, "bindings is null");
        requireNonNull(assets, "assets is null");
        if (!ASPECTS.contains(aspect)) {
            throw new TimelineSpecException("", "unknown aspect '" + aspect + "'; one of " + ASPECTS);
        }
        if (width < 2 || height < 2 || width > 8192 || height > 8192) {
            throw new TimelineSpecException("", "cannot render at " + width + "x" + height);
        }
        if (fps < 1 || fps > 120) {
            throw new TimelineSpecException("", "fps must be between 1 and 120 but is " + fps);
        }
        if (!spec.isObject()) {
            throw new TimelineSpecException("spec", "must be an object");
        }
        SpecNode root = new SpecNode(Bindings.apply(spec, bindings, ""), "");
        Frame frame = new Frame(width, height, fps, Math.min(width, height) / REFERENCE_SHORT_SIDE, aspect, assets);

        BufferedImage background = Backgrounds.draw(root.child("background"), frame);
        Map<String, Track> tracks = tracks(root.child("tracks"));
        List<Layer> layers = new ArrayList<>();
        int order = 0;
        for (SpecNode overlay : root.child("overlays").items()) {
            Layer layer = overlay(merged(overlay, aspect), tracks, frame, order++);
            if (layer != null) {
                layers.add(layer);
            }
        }
        layers.addAll(subtitles(root.child("subtitles"), tracks, frame, order));
        layers.sort(Comparator.comparingInt(Layer::z).thenComparingInt(Layer::order));
        return new TimelineScene(width, height, fps, background, layers);
    }

    private static Map<String, Track> tracks(SpecNode node) {
        Map<String, Track> tracks = new LinkedHashMap<>();
        for (SpecNode track : node.items()) {
            String id = track.child("id").text();
            if (tracks.containsKey(id)) {
                throw new TimelineSpecException(track.child("id").path(), "track '" + id + "' is declared twice");
            }
            tracks.put(
                    id, new Track(id, track.text("type", "overlay"), (int) track.number("z", 0), track.child("style")));
        }
        return tracks;
    }

    /** An overlay with its per-aspect overrides merged in (objects deeply, other values replaced). */
    private static SpecNode merged(SpecNode overlay, String aspect) {
        if (!overlay.isObject()) {
            throw new TimelineSpecException(overlay.path(), "must be an object");
        }
        ObjectNode copy = ((ObjectNode) overlay.json()).deepCopy();
        JsonNode overrides = copy.remove("aspects");
        if (overrides != null && overrides.has(aspect)) {
            merge(copy, overrides.get(aspect));
        }
        return new SpecNode(copy, overlay.path());
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    private Layer overlay(SpecNode overlay, Map<String, Track> tracks, Frame frame, int order) {
        int z = 0;
        if (overlay.has("track")) {
            String id = overlay.child("track").text();
            Track track = tracks.get(id);
            if (track == null) {
                throw new TimelineSpecException(
                        overlay.child("track").path(),
                        "no track '" + id + "' is declared; tracks are " + tracks.keySet());
            }
            z = track.z();
        }
        double from = overlay.number("from", 0, 0, 86_400);
        double to = overlay.has("to") ? overlay.number("to", 0, 0, 86_400) : Double.POSITIVE_INFINITY;
        if (to <= from) {
            throw new TimelineSpecException(overlay.child("to").path(), "must be after from (" + from + ")");
        }
        SpecNode content = overlay.child("content");
        if (!content.isObject()) {
            throw new TimelineSpecException(content.path(), "is required and must be an object");
        }
        SpecNode pos = overlay.has("pos") ? overlay.child("pos") : content.child("pos");
        SpecNode anim = overlay.has("anim") ? overlay.child("anim") : content.child("anim");
        SpecNode anchorNode = overlay.has("anchor") ? overlay.child("anchor") : content.child("anchor");
        Anchor anchor;
        double x;
        double y;
        if (pos.isText()) {
            Anchor named = Anchor.named(pos);
            Anchor place = named.framePosition();
            x = place.x() * frame.width();
            y = place.y() * frame.height();
            anchor = anchorNode.isText() ? Anchor.named(anchorNode) : named;
        } else if (pos.isObject()) {
            x = pos.number("x", 0.5, -10, 10) * frame.width();
            y = pos.number("y", 0.5, -10, 10) * frame.height();
            anchor = anchorNode.isText() ? Anchor.named(anchorNode) : Anchor.CENTER;
        } else if (pos.json().isMissingNode() || pos.json().isNull()) {
            x = frame.width() / 2.0;
            y = frame.height() / 2.0;
            anchor = anchorNode.isText() ? Anchor.named(anchorNode) : Anchor.CENTER;
        } else {
            throw new TimelineSpecException(pos.path(), "must be a position name or {\"x\": …, \"y\": …}");
        }
        Placement placement = new Placement(
                z,
                order,
                from,
                to,
                x,
                y,
                anchor,
                Animation.parse(anim),
                content.has("shadow") ? Shadow.parse(content.child("shadow"), frame.unit()) : null);
        String type = content.child("type").text();
        return switch (type) {
            case "text" -> textLayer(content, placement, frame);
            case "image" -> imageLayer(content, placement, frame);
            case "rect" -> {
                Sprite sprite = placement.shadowed(rect(content, anchor, frame));
                yield new Layer(placement, reveal -> sprite, 1);
            }
            default ->
                throw new TimelineSpecException(
                        content.child("type").path(), "unknown content type '" + type + "'; one of text, image, rect");
        };
    }

    private Layer textLayer(SpecNode content, Placement placement, Frame frame) {
        SpecNode textNode = content.child("text");
        if (!textNode.isText() && !textNode.json().isNumber()) {
            throw new TimelineSpecException(textNode.path(), "is required and must be text");
        }
        String text = textNode.json().asText();
        if (text.isEmpty()) {
            return null;
        }
        TextStyle style = textStyle(content, text, 64, frame);
        TextBlock block = new TextBlock(text, style, fonts);
        boolean typewriter = placement.animations().stream().anyMatch(a -> a.kind() == Animation.Kind.TYPEWRITER);
        IntFunction<Sprite> sprites;
        if (typewriter) {
            Map<Integer, Sprite> cache = new HashMap<>();
            sprites = reveal ->
                    cache.computeIfAbsent(reveal, n -> placement.shadowed(block.sprite(n, placement.anchor())));
        } else {
            Sprite sprite = placement.shadowed(block.sprite(block.length(), placement.anchor()));
            sprites = reveal -> sprite;
        }
        return new Layer(placement, sprites, block.length());
    }

    private TextStyle textStyle(SpecNode style, String text, double defaultSize, Frame frame) {
        String family = style.has("font") ? style.child("font").text() : TimelineFonts.defaultFamily(text);
        if (!fonts.has(family)) {
            throw new TimelineSpecException(
                    style.child("font").path(), "unknown font '" + family + "'; bundled fonts are " + fonts.families());
        }
        boolean bold = false;
        if (style.has("weight")) {
            SpecNode weight = style.child("weight");
            bold = weight.json().isNumber()
                    ? weight.number() >= 600
                    : switch (weight.text()) {
                        case "bold" -> true;
                        case "regular", "normal" -> false;
                        default -> throw new TimelineSpecException(weight.path(), "must be regular, bold or a number");
                    };
        }
        String align = style.text("align", "center");
        if (!ALIGNS.contains(align)) {
            throw new TimelineSpecException(style.child("align").path(), "must be one of " + ALIGNS);
        }
        double maxWidth = style.has("maxWidth") ? style.number("maxWidth", 1, 0.01, 1) * frame.width() : 0;
        TextStyle.Box box = null;
        if (style.has("box")) {
            SpecNode node = style.child("box");
            if (node.isObject()) {
                box = new TextStyle.Box(
                        node.color("color", new Color(0, 0, 0, 128)),
                        node.number("padding", 24, 0, 1000) * frame.unit(),
                        node.number("radius", 12, 0, 1000) * frame.unit());
            } else if (node.json().asBoolean(false) || "box".equals(node.json().asText())) {
                box = new TextStyle.Box(new Color(0, 0, 0, 160), 16 * frame.unit(), 8 * frame.unit());
            }
        }
        return new TextStyle(
                family,
                bold,
                (float) (style.number("size", defaultSize, 1, 2000) * frame.unit()),
                style.color("color", Color.WHITE),
                align,
                maxWidth,
                style.number("lineHeight", 1.25, 0.5, 5),
                box);
    }

    private static Layer imageLayer(SpecNode content, Placement placement, Frame frame) {
        SpecNode value = content.child("image");
        String name = value.text();
        if (name.isEmpty()) {
            return null;
        }
        BufferedImage image = Images.read(name, frame.assets(), value.path());
        BufferedImage fitted = Images.fit(
                image,
                content.optionalNumber("width").map(w -> w * frame.width()).orElse(null),
                content.optionalNumber("height").map(h -> h * frame.height()).orElse(null),
                content.text("fit", "contain"),
                content.child("fit").path(),
                frame.unit());
        Anchor anchor = placement.anchor();
        Sprite sprite =
                placement.shadowed(new Sprite(fitted, anchor.x() * fitted.getWidth(), anchor.y() * fitted.getHeight()));
        return new Layer(placement, reveal -> sprite, 1);
    }

    private static Sprite rect(SpecNode content, Anchor anchor, Frame frame) {
        double width = content.number("width", 0, 0, 10) * frame.width();
        double height = content.number("height", 0, 0, 10) * frame.height();
        if (width <= 0 || height <= 0) {
            throw new TimelineSpecException(content.path(), "a rect needs a width and a height above 0");
        }
        double radius = content.number("radius", 0, 0, 10_000) * frame.unit();
        Color color = content.child("color").color();
        BufferedImage image = new BufferedImage(
                (int) Math.ceil(width) + 2, (int) Math.ceil(height) + 2, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        Drawing.hints(g);
        g.setColor(color);
        g.fill(new RoundRectangle2D.Double(1, 1, width, height, 2 * radius, 2 * radius));
        g.dispose();
        return new Sprite(image, 1 + anchor.x() * width, 1 + anchor.y() * height);
    }

    private List<Layer> subtitles(SpecNode node, Map<String, Track> tracks, Frame frame, int firstOrder) {
        List<SpecNode> items = node.items();
        if (items.isEmpty()) {
            return List.of();
        }
        Track track = tracks.values().stream()
                .filter(t -> t.type().equals("subtitle"))
                .findFirst()
                .orElseThrow(
                        () -> new TimelineSpecException(node.path(), "subtitles need a track of type \"subtitle\""));
        SpecNode style = track.style().isObject()
                ? track.style()
                : new SpecNode(
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                        track.style().path());
        String position = style.text("position", "bottom");
        double margin = style.number("margin", 80, 0, 5000) * frame.unit();
        Shadow shadow = style.has("shadow") ? Shadow.parse(style.child("shadow"), frame.unit()) : null;
        Anchor anchor;
        double y;
        switch (position) {
            case "bottom" -> {
                anchor = new Anchor(0.5, 1);
                y = frame.height() - margin;
            }
            case "top" -> {
                anchor = new Anchor(0.5, 0);
                y = margin;
            }
            case "center" -> {
                anchor = Anchor.CENTER;
                y = frame.height() / 2.0;
            }
            default -> throw new TimelineSpecException(style.child("position").path(), "must be bottom, top or center");
        }
        List<Layer> layers = new ArrayList<>();
        int order = firstOrder;
        for (SpecNode item : items) {
            String text = item.child("text").json().asText("");
            double from = item.number("from", 0, 0, 86_400);
            double to = item.number("to", 0, 0, 86_400);
            if (to <= from) {
                throw new TimelineSpecException(item.child("to").path(), "must be after from (" + from + ")");
            }
            if (text.isEmpty()) {
                continue;
            }
            ObjectNode withBox = ((ObjectNode) style.json()).deepCopy();
            if ("box".equals(style.text("bg", ""))) {
                withBox.put("box", true);
            }
            if (!withBox.has("maxWidth")) {
                withBox.put("maxWidth", 0.9);
            }
            TextStyle textStyle = textStyle(new SpecNode(withBox, style.path()), text, 44, frame);
            Placement placement =
                    new Placement(track.z(), order++, from, to, frame.width() / 2.0, y, anchor, List.of(), shadow);
            Sprite sprite = placement.shadowed(new TextBlock(text, textStyle, fonts).sprite(Integer.MAX_VALUE, anchor));
            layers.add(new Layer(placement, reveal -> sprite, 1));
        }
        return layers;
    }
}
