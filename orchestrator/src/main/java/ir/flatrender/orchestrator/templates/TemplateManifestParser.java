package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates {@code template.json}; every problem is reported with its field's path. */
public final class TemplateManifestParser {
    public static final Pattern TEMPLATE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    public static final Pattern BINDING_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    /**
     * A binding's {@code prop}: the name of the Remotion prop it sets, as the composition's author
     * wrote it (a JavaScript identifier, camelCase as often as not).
     */
    public static final Pattern PROP_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}");

    /** In the order engine pickers show them. */
    public static final Set<String> ENGINES = java.util.Collections.unmodifiableSet(
            new java.util.LinkedHashSet<>(List.of("timeline", "remotion", "aftereffects")));

    public static final List<String> ASPECTS = List.of("16:9", "1:1", "9:16");
    private static final int MAX_DURATION_SECONDS = 3600;

    private TemplateManifestParser() {}

    public static TemplateManifest parse(JsonNode root) {
        List<FieldViolation> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw FarmException.invalid("template.json", "must be a JSON object");
        }
        String id = text(root, "id", problems);
        if (id != null && !TEMPLATE_ID.matcher(id).matches()) {
            problems.add(new FieldViolation(
                    "id", "must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        LocalizedText name = localized(root.get("name"), "name", problems, true);
        String engine = text(root, "engine", problems);
        if (engine != null && !ENGINES.contains(engine)) {
            problems.add(new FieldViolation("engine", "unknown engine '" + engine + "'; one of " + ENGINES));
        }
        Optional<String> composition = optionalText(root, "composition", problems);
        int fps = integer(root, "fps", 1, 120, problems);
        int duration = integer(root, "durationInFrames", 1, Math.max(1, fps) * MAX_DURATION_SECONDS, problems);
        Map<String, AspectSize> aspects = aspects(root.get("aspects"), problems);
        List<BindingField> bindings = bindings(root.get("bindings"), engine, problems);
        JsonNode spec = root.path("spec");
        if ("timeline".equals(engine) && !spec.isObject()) {
            problems.add(new FieldViolation("spec", "the timeline engine needs a spec object"));
        }
        if ("remotion".equals(engine)) {
            requireText(root.path("remotion"), "entry", "remotion", problems);
            JsonNode webgl = root.path("remotion").path("webgl");
            if (!webgl.isMissingNode() && !webgl.isBoolean()) {
                problems.add(new FieldViolation(
                        "remotion.webgl", "must be true (the template draws with WebGL, as a 3D one does) or false"));
            }
        }
        if ("aftereffects".equals(engine)) {
            String project = requireText(root.path("aftereffects"), "project", "aftereffects", problems);
            if (project != null && !project.toLowerCase(java.util.Locale.ROOT).matches(".*\\.aepx?")) {
                problems.add(new FieldViolation("aftereffects.project", "must name an .aep or .aepx file"));
            }
        }
        if (("remotion".equals(engine) || "aftereffects".equals(engine))
                && aspects.values().stream().anyMatch(a -> a.composition().isEmpty())
                && !root.has("composition")) {
            problems.add(new FieldViolation(
                    "aspects", "the " + engine + " engine needs a composition for every aspect (or one for all)"));
        }
        JsonNode audio = root.path("audio");
        if (!audio.isMissingNode() && !audio.isNull() && !audio.isArray()) {
            problems.add(new FieldViolation("audio", "must be a list of {\"source\": …, \"volume\": …}"));
        }
        if (!problems.isEmpty()) {
            throw FarmException.invalid("template.json is not valid", problems);
        }
        return new TemplateManifest(
                id,
                name,
                engine,
                composition,
                fps,
                duration,
                aspects,
                bindings,
                spec.isObject() ? spec : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                root);
    }

    private static Map<String, AspectSize> aspects(JsonNode node, List<FieldViolation> problems) {
        Map<String, AspectSize> aspects = new LinkedHashMap<>();
        if (node == null || !node.isObject() || node.isEmpty()) {
            problems.add(new FieldViolation("aspects", "must name at least one of " + ASPECTS + " with its size"));
            return aspects;
        }
        node.properties().forEach(entry -> {
            String path = "aspects." + entry.getKey();
            if (!ASPECTS.contains(entry.getKey())) {
                problems.add(new FieldViolation(path, "unknown aspect; one of " + ASPECTS));
                return;
            }
            JsonNode size = entry.getValue();
            int width = integer(size, "width", 16, 8192, problems, path);
            int height = integer(size, "height", 16, 8192, problems, path);
            Optional<String> composition = optionalText(size, "composition", problems);
            if (width > 0 && height > 0) {
                aspects.put(entry.getKey(), new AspectSize(width, height, composition));
            }
        });
        return aspects;
    }

    private static List<BindingField> bindings(JsonNode node, String engine, List<FieldViolation> problems) {
        List<BindingField> fields = new ArrayList<>();
        if (node == null || node.isNull()) {
            return fields;
        }
        if (!node.isArray()) {
            problems.add(new FieldViolation("bindings", "must be an array of fields"));
            return fields;
        }
        Set<String> names = new HashSet<>();
        // Which binding sets each engine-side name (its prop, else its own name): two bindings
        // must not set the same prop.
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode field = node.get(i);
            String path = "bindings[" + i + "]";
            if (!field.isObject()) {
                problems.add(new FieldViolation(path, "must be an object"));
                continue;
            }
            int before = problems.size();
            String name = field.path("name").asText("");
            if (!BINDING_NAME.matcher(name).matches()) {
                problems.add(new FieldViolation(
                        path + ".name",
                        "must be 1-64 lower-case letters, digits or '_', not starting with a digit"
                                + (PROP_NAME.matcher(name).matches()
                                        ? " (to bind a prop spelt '" + name + "', give the binding a snake_case name"
                                                + " and \"prop\": \"" + name + "\")"
                                        : "")));
            } else if (!names.add(name)) {
                problems.add(new FieldViolation(path + ".name", "'" + name + "' is declared twice"));
            }
            Optional<String> prop = prop(field, path, engine, problems);
            String setBy = props.putIfAbsent(prop.orElse(name), name);
            if (setBy != null && !setBy.equals(name)) {
                problems.add(new FieldViolation(
                        path + (prop.isPresent() ? ".prop" : ".name"),
                        "sets prop '" + prop.orElse(name) + "', which binding '" + setBy + "' sets already"));
            }
            String typeName = field.path("type").asText("");
            Optional<BindingType> type = BindingType.fromJson(typeName);
            if (type.isEmpty()) {
                problems.add(new FieldViolation(
                        path + ".type", "unknown type '" + typeName + "'; one of text, color, image, audio, number"));
            }
            LocalizedText label = localized(field.get("label"), path + ".label", problems, false);
            OptionalInt minLength = optionalInt(field, "minLength", 0, 100_000, problems, path);
            OptionalInt maxLength = optionalInt(field, "maxLength", 1, 100_000, problems, path);
            OptionalDouble min = optionalNumber(field, "min", problems, path);
            OptionalDouble max = optionalNumber(field, "max", problems, path);
            if (minLength.isPresent() && maxLength.isPresent() && minLength.getAsInt() > maxLength.getAsInt()) {
                problems.add(new FieldViolation(path + ".minLength", "is larger than maxLength"));
            }
            if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
                problems.add(new FieldViolation(path + ".min", "is larger than max"));
            }
            JsonNode defaultValue = field.get("default");
            Optional<JsonNode> defaults =
                    defaultValue == null || defaultValue.isNull() ? Optional.empty() : Optional.of(defaultValue);
            boolean required = field.path("required").asBoolean(defaults.isEmpty());
            if (!required
                    && defaults.isEmpty()
                    && (type.equals(Optional.of(BindingType.COLOR)) || type.equals(Optional.of(BindingType.NUMBER)))) {
                problems.add(new FieldViolation(path + ".default", "an optional " + typeName + " needs a default"));
            }
            if (problems.size() == before) {
                fields.add(new BindingField(
                        name, type.orElseThrow(), label, required, defaults, minLength, maxLength, min, max, prop));
            }
        }
        return fields;
    }

    /**
     * A binding's optional {@code prop}. Binding names stay snake_case (they are the job API's
     * keys); {@code prop} lets one set a Remotion prop spelt any way a JavaScript identifier may
     * be, so a composition written for Remotion's own tools is bound without renaming its props.
     */
    private static Optional<String> prop(JsonNode field, String path, String engine, List<FieldViolation> problems) {
        JsonNode node = field.get("prop");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || !PROP_NAME.matcher(node.asText()).matches()) {
            problems.add(new FieldViolation(
                    path + ".prop",
                    "must be the composition's prop name: 1-64 letters, digits, '_' or '$', not starting with a"
                            + " digit (like titleText)"));
            return Optional.empty();
        }
        if (engine != null && !engine.equals("remotion")) {
            problems.add(new FieldViolation(
                    path + ".prop", "only the remotion engine takes props; the " + engine + " engine does not"));
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static LocalizedText localized(
            JsonNode node, String path, List<FieldViolation> problems, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(new FieldViolation(path, "is required"));
            }
            return new LocalizedText("", "");
        }
        if (node.isTextual()) {
            return new LocalizedText(node.asText(), "");
        }
        if (node.isObject()) {
            LocalizedText text = new LocalizedText(
                    node.path("en").asText(""), node.path("fa").asText(""));
            if (text.en().isEmpty() && text.fa().isEmpty()) {
                problems.add(new FieldViolation(path, "needs an 'en' or 'fa' text"));
            }
            return text;
        }
        problems.add(new FieldViolation(path, "must be a string or {\"en\": …, \"fa\": …}"));
        return new LocalizedText("", "");
    }

    private static String requireText(JsonNode parent, String field, String parentName, List<FieldViolation> problems) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            problems.add(new FieldViolation(parentName + "." + field, "is required and must be a string"));
            return null;
        }
        return node.asText();
    }

    private static String text(JsonNode root, String field, List<FieldViolation> problems) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            problems.add(new FieldViolation(field, "is required and must be a string"));
            return null;
        }
        return node.asText();
    }

    private static Optional<String> optionalText(JsonNode root, String field, List<FieldViolation> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            problems.add(new FieldViolation(field, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static int integer(JsonNode root, String field, int min, int max, List<FieldViolation> problems) {
        return integer(root, field, min, max, problems, "");
    }

    private static int integer(
            JsonNode root, String field, int min, int max, List<FieldViolation> problems, String parent) {
        String path = parent.isEmpty() ? field : parent + "." + field;
        JsonNode node = root.get(field);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            problems.add(new FieldViolation(path, "is required and must be a whole number"));
            return -1;
        }
        int value = node.asInt();
        if (value < min || value > max) {
            problems.add(new FieldViolation(path, "must be between " + min + " and " + max + " but is " + value));
            return -1;
        }
        return value;
    }

    private static OptionalInt optionalInt(
            JsonNode root, String field, int min, int max, List<FieldViolation> problems, String parent) {
        if (!root.has(field) || root.get(field).isNull()) {
            return OptionalInt.empty();
        }
        int value = integer(root, field, min, max, problems, parent);
        return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static OptionalDouble optionalNumber(
            JsonNode root, String field, List<FieldViolation> problems, String parent) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            problems.add(new FieldViolation(parent + "." + field, "must be a number"));
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(node.asDouble());
    }
}
