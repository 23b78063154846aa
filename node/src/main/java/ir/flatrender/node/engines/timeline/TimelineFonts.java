package ir.flatrender.node.engines.timeline;

import static java.util.Objects.requireNonNull;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fonts the timeline engine draws with: only these, never the machine's, so every node
 * draws the same pixels. Vazirmatn covers Persian and Latin; Inter covers Latin. Both are
 * under the SIL Open Font License (the licence files sit beside them).
 */
public final class TimelineFonts {
    public static final String VAZIRMATN = "Vazirmatn";
    public static final String INTER = "Inter";
    private static final String BASE = "/ir/flatrender/node/engines/timeline/fonts/";

    /** Family → [regular, bold]. */
    private final Map<String, Font[]> fonts;

    private TimelineFonts(Map<String, Font[]> fonts) {
        this.fonts = fonts;
    }

    /** Loads the bundled fonts; fails loudly when one is missing from the class path. */
    public static TimelineFonts loadBundled() {
        return new TimelineFonts(Map.of(
                VAZIRMATN, new Font[] {load("Vazirmatn-Regular.ttf"), load("Vazirmatn-Bold.ttf")},
                INTER, new Font[] {load("Inter-Regular.ttf"), load("Inter-Bold.ttf")}));
    }

    private static Font load(String file) {
        try (InputStream in = TimelineFonts.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("bundled font " + file + " is missing from the class path");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read bundled font " + file, e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("bundled font " + file + " is not a TrueType font", e);
        }
    }

    public Set<String> families() {
        return new TreeSet<>(fonts.keySet());
    }

    /** The font of a family and weight at a size in pixels. */
    Font font(String family, boolean bold, float size) {
        Font[] faces = requireNonNull(fonts.get(family), "family is null");
        return faces[bold ? 1 : 0].deriveFont(size);
    }

    boolean has(String family) {
        return fonts.containsKey(family);
    }

    /** The family for text that names none: Vazirmatn when it has Arabic script, else Inter. */
    static String defaultFamily(String text) {
        return hasArabicScript(text) ? VAZIRMATN : INTER;
    }

    static boolean hasArabicScript(String text) {
        return text.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.ARABIC);
    }
}
