package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.media.images.ImageContent;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a job's bindings against its template's schema and fills in the defaults. Pure: the
 * result is the complete bindings object the engine receives.
 */
public final class BindingsValidator {
    public static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;
    public static final int MAX_AUDIO_BYTES = 5 * 1024 * 1024;
    /**
     * The most bytes of files a job's bindings embed as {@code data:} URIs, all together. The
     * bindings travel in the job's gRPC messages (to each node with each chunk, back to clients
     * with the job), whose limit is 8 MiB at the clients: 5 MiB is 6.7 MB as base64.
     */
    public static final int MAX_EMBEDDED_BYTES = 5 * 1024 * 1024;
    /**
     * The longest text a binding takes when its manifest sets no {@code maxLength}: a title or a
     * caption, not a document. A 10,000-character title once made every attempt of its job fail
     * (the engine drew it as one image far wider than any frame); a manifest that wants longer
     * texts says so with {@code maxLength}.
     */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 500;

    private static final Pattern COLOR = Pattern.compile("#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})");
    private static final Pattern DATA_URI = Pattern.compile("data:([a-z]+/[a-z0-9.+-]+);base64,(.*)", Pattern.DOTALL);
    private static final Set<String> IMAGE_TYPES = Set.of(ImageContent.PNG, ImageContent.JPEG);
    /** Drawn by a browser (Remotion), not by the timeline engine's Java 2D. */
    private static final Set<String> BROWSER_IMAGE_TYPES =
            Set.of(ImageContent.PNG, ImageContent.JPEG, ImageContent.SVG);

    private static final Set<String> AUDIO_TYPES =
            Set.of("audio/mpeg", "audio/wav", "audio/x-wav", "audio/aac", "audio/mp4", "audio/ogg", "audio/flac");
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg");
    private static final Set<String> BROWSER_IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "svg");
    private static final Set<String> AUDIO_EXTENSIONS = Set.of("mp3", "wav", "aac", "m4a", "ogg", "opus", "flac");

    private BindingsValidator() {}

    /**
     * @param templateId for messages
     * @param engine the template's engine: only a browser engine (Remotion) draws SVG
     * @param fields the template's schema
     * @param packageFiles the files of the template package, for asset references
     * @param given the job's bindings; may be empty
     * @return the complete bindings, defaults filled in, in schema order
     * @throws FarmException INVALID_ARGUMENT naming every bad field as {@code bindings.<name>}
     */
    public static ObjectNode resolve(
            String templateId, String engine, List<BindingField> fields, Set<String> packageFiles, JsonNode given) {
        boolean browser = engine.equals("remotion");
        List<FieldViolation> problems = new ArrayList<>();
        ObjectNode resolved = JsonNodeFactory.instance.objectNode();
        if (given != null && !given.isNull() && !given.isObject()) {
            throw FarmException.invalid("bindings", "must be an object");
        }
        Set<String> declared = fields.stream().map(BindingField::name).collect(Collectors.toSet());
        if (given != null) {
            for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!declared.contains(name)) {
                    Optional<BindingField> byProp = fields.stream()
                            .filter(f -> f.prop().equals(Optional.of(name)))
                            .findFirst();
                    problems.add(new FieldViolation(
                            "bindings." + name,
                            byProp.isPresent()
                                    ? "is the prop that binding '"
                                            + byProp.get().name() + "' sets; give it as "
                                            + byProp.get().name()
                                    : "is not a binding of template '" + templateId + "'; its bindings are "
                                            + fields.stream()
                                                    .map(BindingField::name)
                                                    .collect(Collectors.joining(", "))));
                }
            }
        }
        for (BindingField field : fields) {
            String path = "bindings." + field.name();
            JsonNode value = given == null ? null : given.get(field.name());
            if (value == null || value.isNull()) {
                if (field.defaultValue().isPresent()) {
                    value = field.defaultValue().get();
                } else if (field.required()) {
                    problems.add(new FieldViolation(path, "is required (" + describe(field) + ")"));
                    continue;
                } else {
                    resolved.put(field.name(), "");
                    continue;
                }
            }
            int before = problems.size();
            JsonNode checked = check(field, value, packageFiles, path, problems, browser);
            if (problems.size() == before) {
                resolved.set(field.name(), checked);
            }
        }
        long embedded = 0;
        for (JsonNode value : resolved) {
            Matcher data = value.isTextual() ? DATA_URI.matcher(value.asText()) : null;
            if (data != null && data.matches()) {
                String base64 = data.group(2).strip();
                embedded += base64.length() / 4L * 3 - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);
            }
        }
        if (embedded > MAX_EMBEDDED_BYTES) {
            problems.add(new FieldViolation(
                    "bindings",
                    "embed " + embedded + " bytes of files as data: URIs; at most " + MAX_EMBEDDED_BYTES
                            + " all together"));
        }
        if (!problems.isEmpty()) {
            throw FarmException.invalid("invalid bindings", problems);
        }
        return resolved;
    }

    private static JsonNode check(
            BindingField field,
            JsonNode value,
            Set<String> files,
            String path,
            List<FieldViolation> problems,
            boolean browser) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (field.type()) {
            case TEXT -> {
                if (!value.isTextual()) {
                    problems.add(new FieldViolation(path, "must be text, not " + kind(value)));
                    return value;
                }
                String text = value.asText();
                int length = text.codePointCount(0, text.length());
                if (field.required() && text.isBlank()) {
                    problems.add(new FieldViolation(path, "must not be empty"));
                }
                if (field.maxLength().isPresent() && length > field.maxLength().getAsInt()) {
                    problems.add(new FieldViolation(
                            path,
                            "is too long: " + length + " characters, at most "
                                    + field.maxLength().getAsInt()));
                } else if (field.maxLength().isEmpty() && length > DEFAULT_MAX_TEXT_LENGTH) {
                    problems.add(new FieldViolation(
                            path,
                            "is too long: " + length + " characters, at most " + DEFAULT_MAX_TEXT_LENGTH
                                    + " (the limit for a text whose template sets no maxLength)"));
                }
                if (field.minLength().isPresent() && length < field.minLength().getAsInt()) {
                    problems.add(new FieldViolation(
                            path,
                            "is too short: " + length + " characters, at least "
                                    + field.minLength().getAsInt()));
                }
                if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
                    problems.add(new FieldViolation(path, "contains control characters"));
                }
                return nodes.textNode(text);
            }
            case COLOR -> {
                if (!value.isTextual() || !COLOR.matcher(value.asText()).matches()) {
                    problems.add(new FieldViolation(
                            path, "must be a colour like #ff6b35 (#rgb, #rrggbb or #rrggbbaa), not " + shown(value)));
                    return value;
                }
                return nodes.textNode(value.asText().toLowerCase(Locale.ROOT));
            }
            case NUMBER -> {
                if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                    problems.add(new FieldViolation(path, "must be a number, not " + shown(value)));
                    return value;
                }
                double number = value.asDouble();
                if (field.min().isPresent() && number < field.min().getAsDouble()) {
                    problems.add(new FieldViolation(
                            path, "must be at least " + field.min().getAsDouble()));
                }
                if (field.max().isPresent() && number > field.max().getAsDouble()) {
                    problems.add(new FieldViolation(
                            path, "must be at most " + field.max().getAsDouble()));
                }
                return number == Math.rint(number) && Math.abs(number) < 1e15
                        ? nodes.numberNode((long) number)
                        : nodes.numberNode(number);
            }
            case IMAGE, AUDIO -> {
                return media(field, value, files, path, problems, browser);
            }
        }
        throw new IllegalStateException("unknown binding type " + field.type());
    }

    /** Checks an audio source (a package file or a data: URI) outside any binding. */
    public static void checkAudioSource(String source, Set<String> files, String path, List<FieldViolation> problems) {
        BindingField field = new BindingField(
                path,
                BindingType.AUDIO,
                new LocalizedText("", ""),
                true,
                java.util.Optional.empty(),
                java.util.OptionalInt.empty(),
                java.util.OptionalInt.empty(),
                java.util.OptionalDouble.empty(),
                java.util.OptionalDouble.empty(),
                java.util.Optional.empty());
        media(field, JsonNodeFactory.instance.textNode(source), files, path, problems, false);
    }

    private static JsonNode media(
            BindingField field,
            JsonNode value,
            Set<String> files,
            String path,
            List<FieldViolation> problems,
            boolean browser) {
        boolean image = field.type() == BindingType.IMAGE;
        Set<String> imageTypes = browser ? BROWSER_IMAGE_TYPES : IMAGE_TYPES;
        Set<String> imageExtensions = browser ? BROWSER_IMAGE_EXTENSIONS : IMAGE_EXTENSIONS;
        String what = image ? "an image" : "an audio file";
        if (!value.isTextual()) {
            problems.add(new FieldViolation(
                    path, "must be " + what + " (a package file or a data: URI), not " + kind(value)));
            return value;
        }
        String text = value.asText();
        if (text.isEmpty()) {
            if (field.required()) {
                problems.add(new FieldViolation(path, "is required"));
            }
            return value;
        }
        Matcher data = DATA_URI.matcher(text);
        if (data.matches()) {
            String type = data.group(1);
            if (!(image ? imageTypes : AUDIO_TYPES).contains(type)) {
                problems.add(new FieldViolation(
                        path,
                        "data of type " + type + " is not accepted; use " + (image ? imageTypes : AUDIO_TYPES)
                                + (image && type.equals(ImageContent.SVG) ? " (SVG only in Remotion templates)" : "")));
                return value;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(data.group(2).strip());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldViolation(path, "is not valid base64"));
                return value;
            }
            int limit = image ? MAX_IMAGE_BYTES : MAX_AUDIO_BYTES;
            if (bytes.length > limit) {
                problems.add(new FieldViolation(path, "is " + bytes.length + " bytes, at most " + limit));
            } else if (image) {
                try {
                    ImageContent.Inspection inspection = ImageContent.inspect(bytes);
                    if (!inspection.contentType().equals(type)) {
                        problems.add(new FieldViolation(
                                path, "is declared " + type + " but its content is " + inspection.contentType()));
                    }
                } catch (ImageContent.RefusedImage e) {
                    problems.add(new FieldViolation(path, e.getMessage()));
                }
            }
            return value;
        }
        if (text.startsWith("/")
                || text.contains("\\")
                || List.of(text.split("/")).contains("..")) {
            problems.add(new FieldViolation(path, "must name a file inside the template package"));
            return value;
        }
        String extension =
                text.contains(".") ? text.substring(text.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        if (!(image ? imageExtensions : AUDIO_EXTENSIONS).contains(extension)) {
            problems.add(new FieldViolation(
                    path, "'" + text + "' is not " + what + " (" + (image ? imageExtensions : AUDIO_EXTENSIONS) + ")"));
        } else if (!files.contains(text)) {
            problems.add(new FieldViolation(path, "the template package has no file '" + text + "'"));
        }
        return value;
    }

    private static String describe(BindingField field) {
        String label = field.label().preferred();
        return field.type().jsonName() + (label.isEmpty() ? "" : ", \"" + label + "\"");
    }

    private static String kind(JsonNode value) {
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "true/false";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "an object";
        }
        return "text";
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
