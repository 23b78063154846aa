package ir.flatrender.gateway.catalog;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Text as a customer's typing is matched against it: Arabic kaf and yeh (ك ي ى) as the Persian
 * ک and ی, heh forms (ۀ ة) as ه, hamza-carrying alefs as ا, Arabic and Persian digits as ASCII,
 * no diacritics or tatweel, presentation forms folded (NFKC), Latin lower-cased. The
 * zero-width non-joiner (and joiner, and direction marks) is dropped from the text searched
 * ("می‌شود" is "میشود"), while in a query it separates words, so "می شود", "می‌شود" and
 * "میشود" all find it.
 */
public final class PersianText {
    private PersianText() {}

    /** The text searched, normalised. */
    public static String normalise(String text) {
        String folded = fold(text);
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (!invisible(c)) {
                out.append(Character.isWhitespace(c) ? ' ' : c);
            }
        }
        return out.toString().replaceAll(" +", " ").strip();
    }

    /** A query's words, normalised; each must occur in the text for it to match. */
    public static List<String> terms(String query) {
        String folded = fold(query);
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            out.append(invisible(c) || Character.isWhitespace(c) ? ' ' : c);
        }
        return Arrays.stream(out.toString().split(" +"))
                .filter(term -> !term.isEmpty())
                .toList();
    }

    /** Whether every term occurs in the (normalised) text. */
    public static boolean matches(String normalisedText, List<String> terms) {
        return terms.stream().allMatch(normalisedText::contains);
    }

    private static boolean invisible(char c) {
        return c == '\u200c' || c == '\u200d' || c == '\u200e' || c == '\u200f' || c == '\u00ad' || c == '\ufeff';
    }

    private static String fold(String text) {
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(nfkc.length());
        for (int i = 0; i < nfkc.length(); i++) {
            char c = nfkc.charAt(i);
            if ((c >= '\u064b' && c <= '\u065f') || c == '\u0670' || c == '\u0640') {
                continue; // harakat, superscript alef, tatweel
            }
            out.append(
                    switch (c) {
                        case '\u0643' -> '\u06a9'; // ك → ک
                        case '\u064a', '\u0649' -> '\u06cc'; // ي ى → ی
                        case '\u06c0', '\u06d5', '\u0629' -> '\u0647'; // ۀ ە ة → ه
                        case '\u0623', '\u0625', '\u0671' -> '\u0627'; // أ إ ٱ → ا
                        case '\u0624' -> '\u0648'; // ؤ → و
                        default -> {
                            if (c >= '\u06f0' && c <= '\u06f9') {
                                yield (char) ('0' + (c - '\u06f0'));
                            }
                            if (c >= '\u0660' && c <= '\u0669') {
                                yield (char) ('0' + (c - '\u0660'));
                            }
                            yield c;
                        }
                    });
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
