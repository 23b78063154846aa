package ir.flatrender.node.engines.timeline;

import java.util.Locale;

/** How an animation moves through its duration (cubic curves). */
enum Easing {
    LINEAR,
    EASE_IN,
    EASE_OUT,
    EASE_IN_OUT;

    static Easing of(SpecNode node) {
        try {
            return valueOf(node.text().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new TimelineSpecException(
                    node.path(), "unknown easing '" + node.text() + "'; one of linear, ease-in, ease-out, ease-in-out");
        }
    }

    double apply(double t) {
        double x = Math.max(0, Math.min(1, t));
        return switch (this) {
            case LINEAR -> x;
            case EASE_IN -> x * x * x;
            case EASE_OUT -> 1 - Math.pow(1 - x, 3);
            case EASE_IN_OUT -> x < 0.5 ? 4 * x * x * x : 1 - Math.pow(-2 * x + 2, 3) / 2;
        };
    }
}
