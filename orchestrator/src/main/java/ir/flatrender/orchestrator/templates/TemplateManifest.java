package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A template package's {@code template.json}, validated.
 *
 * @param aspects the aspects offered ("16:9", "1:1", "9:16") with their native sizes, in the
 *     manifest's order
 * @param spec the engine payload: for {@code timeline}, the spec it renders
 * @param raw the manifest as written
 */
public record TemplateManifest(
        String id,
        LocalizedText name,
        String engine,
        Optional<String> composition,
        int fps,
        int durationFrames,
        Map<String, AspectSize> aspects,
        List<BindingField> bindings,
        JsonNode spec,
        JsonNode raw) {
    public TemplateManifest {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(composition, "composition is null");
        aspects = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(aspects));
        bindings = List.copyOf(bindings);
        requireNonNull(spec, "spec is null");
        requireNonNull(raw, "raw is null");
    }
}
