package ir.flatrender.node.engines.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a job's bindings into the spec: {@code {{name}}} inside a longer string is replaced by
 * the value's text; a string that is exactly {@code {{name}}} becomes the value itself, so
 * colours, images and numbers bind whole.
 */
final class Bindings {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private Bindings() {}

    static JsonNode apply(JsonNode node, ObjectNode bindings, String path) {
        if (node.isTextual()) {
            return substitute(node.asText(), bindings, path);
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(apply(node.get(i), bindings, path + "[" + i + "]"));
            }
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                copy.set(field.getKey(), apply(field.getValue(), bindings, child));
            }
            return copy;
        }
        return node;
    }

    private static JsonNode substitute(String text, ObjectNode bindings, String path) {
        Matcher whole = PLACEHOLDER.matcher(text);
        if (whole.matches()) {
            return value(whole.group(1), bindings, path).deepCopy();
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(
                    result,
                    Matcher.quoteReplacement(
                            value(matcher.group(1), bindings, path).asText()));
        }
        matcher.appendTail(result);
        return JsonNodeFactory.instance.textNode(result.toString());
    }

    private static JsonNode value(String name, ObjectNode bindings, String path) {
        JsonNode value = bindings.get(name);
        if (value == null || value.isNull()) {
            throw new TimelineSpecException(path, "names binding '" + name + "', which the job does not give");
        }
        return value;
    }
}
