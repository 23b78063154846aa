package ir.flatrender.orchestrator.snapshots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot cache's key: sha256 of everything that changes a still's pixels — template id
 * and version, engine, aspect, frame, tier, format, and the complete bindings with their keys
 * sorted, so two requests that differ only in key order or in defaults spelled out share it.
 */
public final class SnapshotKey {
    private SnapshotKey() {}

    public static String of(
            ObjectMapper json,
            String templateId,
            int version,
            String engine,
            String aspect,
            int frame,
            String tier,
            String format,
            JsonNode resolvedBindings) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("template", templateId);
        canonical.put("version", version);
        canonical.put("engine", engine);
        canonical.put("aspect", aspect);
        canonical.put("frame", frame);
        canonical.put("tier", tier);
        canonical.put("format", format);
        canonical.put("bindings", json.convertValue(resolvedBindings, Map.class));
        try {
            return TemplatePackage.sha256(json.writer()
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(canonical));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a snapshot key", e);
        }
    }
}
