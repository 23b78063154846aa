package ir.flatrender.node.engines.timeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One animation of an element. In-animations run from the element's start for their
 * duration; out-animations end at the element's end.
 *
 * @param side for slides: the side of the frame the element comes from or goes to
 */
record Animation(Kind kind, double duration, Side side, Easing easing) {
    static final double DEFAULT_DURATION = 0.5;
    private static final double SHORTHAND_FADE = 0.4;

    enum Kind {
        FADE_IN,
        FADE_OUT,
        SLIDE_IN,
        SLIDE_OUT,
        SCALE_IN,
        SCALE_OUT,
        TYPEWRITER;

        boolean isOut() {
            return this == FADE_OUT || this == SLIDE_OUT || this == SCALE_OUT;
        }
    }

    enum Side {
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        NONE
    }

    /** Reads {@code anim}: a list, one object, or one name (the Fenta seed's shorthand). */
    static List<Animation> parse(SpecNode node) {
        List<Animation> animations = new ArrayList<>();
        if (node.json().isMissingNode() || node.json().isNull()) {
            return animations;
        }
        if (node.json().isArray()) {
            for (SpecNode item : node.items()) {
                animations.addAll(parseOne(item));
            }
        } else {
            animations.addAll(parseOne(node));
        }
        return animations;
    }

    private static List<Animation> parseOne(SpecNode node) {
        String name;
        double duration;
        Easing easing = Easing.EASE_OUT;
        SpecNode sideNode = null;
        if (node.isText()) {
            name = node.text();
            duration = DEFAULT_DURATION;
        } else if (node.isObject()) {
            name = node.child("type").text();
            duration = node.number("duration", DEFAULT_DURATION, 0.001, 3600);
            if (node.has("easing")) {
                easing = Easing.of(node.child("easing"));
            }
            if (node.has("from")) {
                sideNode = node.child("from");
            } else if (node.has("to")) {
                sideNode = node.child("to");
            }
        } else {
            throw new TimelineSpecException(node.path(), "must be an animation name or object");
        }
        String key = name.toLowerCase(Locale.ROOT);
        return switch (key) {
            case "fade-in" -> List.of(new Animation(Kind.FADE_IN, duration, Side.NONE, easing));
            case "fade-out" -> List.of(new Animation(Kind.FADE_OUT, duration, Side.NONE, easing));
            case "fade" ->
                List.of(
                        new Animation(Kind.FADE_IN, node.isText() ? SHORTHAND_FADE : duration, Side.NONE, easing),
                        new Animation(Kind.FADE_OUT, node.isText() ? SHORTHAND_FADE : duration, Side.NONE, easing));
            case "slide-in", "slide-out" -> {
                if (sideNode == null) {
                    throw new TimelineSpecException(
                            node.path(),
                            key + " needs \"" + (key.equals("slide-in") ? "from" : "to")
                                    + "\": left, right, top or bottom");
                }
                yield List.of(new Animation(
                        key.equals("slide-in") ? Kind.SLIDE_IN : Kind.SLIDE_OUT, duration, side(sideNode), easing));
            }
            case "slide-down" -> List.of(new Animation(Kind.SLIDE_IN, duration, Side.TOP, easing));
            case "slide-up" -> List.of(new Animation(Kind.SLIDE_IN, duration, Side.BOTTOM, easing));
            case "slide-left" -> List.of(new Animation(Kind.SLIDE_IN, duration, Side.RIGHT, easing));
            case "slide-right" -> List.of(new Animation(Kind.SLIDE_IN, duration, Side.LEFT, easing));
            case "scale-in", "zoom-in" -> List.of(new Animation(Kind.SCALE_IN, duration, Side.NONE, easing));
            case "scale-out", "zoom-out" -> List.of(new Animation(Kind.SCALE_OUT, duration, Side.NONE, easing));
            case "typewriter" -> List.of(new Animation(Kind.TYPEWRITER, duration, Side.NONE, Easing.LINEAR));
            default ->
                throw new TimelineSpecException(
                        node.isText() ? node.path() : node.child("type").path(),
                        "unknown animation '" + name
                                + "'; one of fade-in, fade-out, fade, slide-in, slide-out, slide-down, "
                                + "slide-up, slide-left, slide-right, scale-in, scale-out, zoom-in, typewriter");
        };
    }

    private static Side side(SpecNode node) {
        String side = node.text().toUpperCase(Locale.ROOT);
        if (!Set.of("LEFT", "RIGHT", "TOP", "BOTTOM").contains(side)) {
            throw new TimelineSpecException(node.path(), "must be left, right, top or bottom");
        }
        return Side.valueOf(side);
    }

    /** How far through the animation the element is at time t, eased, 0..1. */
    double progress(double t, double from, double to) {
        double start = kind.isOut() ? to - duration : from;
        return easing.apply((t - start) / duration);
    }
}
