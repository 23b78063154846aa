package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a template's manifest says for the catalog (content.projects and what hangs off it): its
 * category (a container), localized names, description and tags, one scene with the bindings as
 * its editable fields, and the named colour presets. Made from the manifest alone, so pushing
 * the same manifest gives the same project.
 */
public record CatalogProject(
        String id,
        Container container,
        LocalizedText name,
        LocalizedText description,
        List<String> tagsFa,
        List<String> tagsEn,
        String engine,
        int fps,
        int durationFrames,
        JsonNode aspects,
        List<Field> fields,
        List<Preset> presets) {
    /** A category; its id is made from its English name ({@code "Intro"} → {@code intro}). */
    public record Container(String id, LocalizedText name) {}

    /** One editable field: a binding with what a form needs. */
    public record Field(
            String name,
            String type,
            LocalizedText label,
            boolean required,
            Integer minLength,
            Integer maxLength,
            Double min,
            Double max,
            JsonNode defaultFa,
            JsonNode defaultEn,
            List<String> palette) {}

    /** A named colour preset: binding name → colour. */
    public record Preset(LocalizedText name, ObjectNode colors) {}

    static final Container OTHER = new Container("other", new LocalizedText("Other", "دیگر"));

    public CatalogProject {
        requireNonNull(id, "id is null");
        tagsFa = List.copyOf(tagsFa);
        tagsEn = List.copyOf(tagsEn);
        fields = List.copyOf(fields);
        presets = List.copyOf(presets);
    }

    /** The project a validated manifest describes. */
    public static CatalogProject of(TemplateManifest manifest) {
        JsonNode raw = manifest.raw();
        JsonNode catalog = raw.path("catalog");
        LocalizedText category = text(catalog.path("category"));
        Container container = category.preferred().isEmpty()
                ? OTHER
                : new Container(slug(category.en().isEmpty() ? category.fa() : category.en()), category);
        List<Field> fields = new ArrayList<>();
        JsonNode rawBindings = raw.path("bindings");
        for (BindingField field : manifest.bindings()) {
            JsonNode rawField = find(rawBindings, field.name());
            JsonNode defaults = rawField.path("defaults");
            JsonNode plain = field.defaultValue().orElse(null);
            List<String> palette = new ArrayList<>();
            rawField.path("palette").forEach(colour -> palette.add(colour.asText()));
            fields.add(new Field(
                    field.name(),
                    field.type().jsonName(),
                    field.label(),
                    field.required(),
                    field.minLength().isPresent() ? field.minLength().getAsInt() : null,
                    field.maxLength().isPresent() ? field.maxLength().getAsInt() : null,
                    field.min().isPresent() ? field.min().getAsDouble() : null,
                    field.max().isPresent() ? field.max().getAsDouble() : null,
                    defaults.has("fa") ? defaults.get("fa") : plain,
                    defaults.has("en") ? defaults.get("en") : plain,
                    palette));
        }
        List<Preset> presets = new ArrayList<>();
        for (JsonNode preset : raw.path("palettes")) {
            if (preset.path("values").isObject()) {
                presets.add(new Preset(text(preset.path("name")), (ObjectNode) preset.get("values")));
            }
        }
        return new CatalogProject(
                manifest.id(),
                container,
                manifest.name(),
                text(catalog.path("description")),
                strings(catalog.path("tags").path("fa")),
                strings(catalog.path("tags").path("en")),
                manifest.engine(),
                manifest.fps(),
                manifest.durationFrames(),
                raw.path("aspects"),
                fields,
                presets);
    }

    private static JsonNode find(JsonNode bindings, String name) {
        for (JsonNode binding : bindings) {
            if (name.equals(binding.path("name").asText())) {
                return binding;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static LocalizedText text(JsonNode node) {
        if (node.isTextual()) {
            return new LocalizedText(node.asText(), node.asText());
        }
        return new LocalizedText(node.path("en").asText(""), node.path("fa").asText(""));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> {
            if (item.isTextual() && !item.asText().isBlank()) {
                out.add(item.asText().strip());
            }
        });
        return out;
    }

    /** A container id: lower-case ASCII letters and digits, words joined by '-'. */
    static String slug(String name) {
        String slug =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 64) {
            slug = slug.substring(0, 64).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "c-" + Integer.toHexString(name.hashCode() & 0x7fffffff) : slug;
    }
}
