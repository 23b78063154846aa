package ir.flatrender.gateway.payment;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.gateway.http.RequestBodies;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Text the broker stores or passes to ZarinPal: PostgreSQL refuses a NUL character in text (the
 * call would fail with a 500), and a lone UTF-16 surrogate cannot be written as UTF-8 (it would
 * be stored as {@code ?}); both are refused with 422 naming the field.
 */
final class PaymentText {
    private PaymentText() {}

    /** What is wrong with {@code text}, or empty when it can be stored as it is. */
    static Optional<String> problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return Optional.of("must not contain a NUL character (U+0000)");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return Optional.of("must not contain a lone surrogate (U+%04X)".formatted((int) c));
            }
            if (Character.isLowSurrogate(c)) {
                return Optional.of("must not contain a lone surrogate (U+%04X)".formatted((int) c));
            }
        }
        return Optional.empty();
    }

    /**
     * Adds an error to {@code body} for each of {@code fields} holding such text, at any depth
     * (an object's keys included): {@code metadata.email}, {@code return_urls[1]}.
     */
    static void check(RequestBodies body, String... fields) {
        for (String field : fields) {
            walk(body, field, body.raw(field));
        }
    }

    private static void walk(RequestBodies body, String path, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            problem(node.textValue()).ifPresent(why -> body.error(path, why));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(body, path + "[" + i + "]", node.get(i));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Optional<String> badKey = problem(entry.getKey());
                if (badKey.isPresent()) {
                    body.error(path, "has a key that " + badKey.get());
                } else {
                    walk(body, path + "." + entry.getKey(), entry.getValue());
                }
            }
        }
    }

    /** {@code text} with NULs and lone surrogates replaced by U+FFFD, to keep a foreign message. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '\u0000' || Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
