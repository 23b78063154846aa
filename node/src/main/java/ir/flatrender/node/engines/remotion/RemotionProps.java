package ir.flatrender.node.engines.remotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The input props a Remotion composition receives for a job's bindings: each binding under the
 * {@code prop} its manifest names ({@code "prop": "titleText"} for a binding {@code title_text}),
 * else under its own name. The orchestrator has checked the manifest (props are identifiers, no
 * two bindings set the same one) and the bindings; this only renames.
 */
final class RemotionProps {
    private RemotionProps() {}

    static ObjectNode of(JsonNode manifest, ObjectNode bindings) {
        Map<String, String> props = new HashMap<>();
        for (JsonNode field : manifest.path("bindings")) {
            JsonNode prop = field.get("prop");
            if (prop != null && prop.isTextual()) {
                props.put(field.path("name").asText(), prop.asText());
            }
        }
        ObjectNode result = bindings.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = bindings.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> binding = it.next();
            result.set(props.getOrDefault(binding.getKey(), binding.getKey()), binding.getValue());
        }
        return result;
    }
}
