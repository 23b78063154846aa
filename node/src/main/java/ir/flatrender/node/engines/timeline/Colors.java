package ir.flatrender.node.engines.timeline;

import java.awt.Color;
import java.util.regex.Pattern;

/** Colours as templates write them: {@code #rgb}, {@code #rrggbb}, {@code #rrggbbaa}. */
final class Colors {
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})");

    private Colors() {}

    static Color parse(String text, String path) {
        if (text == null || !HEX.matcher(text.strip()).matches()) {
            throw new TimelineSpecException(path, "not a colour: '" + text + "' (use #rgb, #rrggbb or #rrggbbaa)");
        }
        String hex = text.strip().substring(1);
        if (hex.length() == 3) {
            hex = "" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2);
        }
        int r = Integer.parseInt(hex.substring(0, 2), 16);
        int g = Integer.parseInt(hex.substring(2, 4), 16);
        int b = Integer.parseInt(hex.substring(4, 6), 16);
        int a = hex.length() == 8 ? Integer.parseInt(hex.substring(6, 8), 16) : 255;
        return new Color(r, g, b, a);
    }
}
