package ir.flatrender.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a JSON object body and its fields, collecting every invalid field before failing. */
public final class RequestBodies {
    private final ObjectNode body;
    private final List<Problem.FieldError> errors = new ArrayList<>();

    private RequestBodies(ObjectNode body) {
        this.body = body;
    }

    public static RequestBodies read(Context ctx, ObjectMapper json) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw Problem.malformed("the request has no body; it takes a JSON object");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw Problem.malformed("the body is not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw Problem.malformed("the body must be a JSON object");
        }
        return new RequestBodies(object);
    }

    public String string(String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.add(new Problem.FieldError(field, "is required"));
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            errors.add(new Problem.FieldError(field, "must be a non-empty string"));
            return null;
        }
        if (value.asText().length() > maxLength) {
            errors.add(new Problem.FieldError(field, "must be at most " + maxLength + " characters"));
            return null;
        }
        if (value.asText().indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError(field, "must not contain a NUL character"));
            return null;
        }
        return value.asText();
    }

    public String string(String field, int maxLength, Pattern pattern, String shape) {
        String value = string(field, maxLength);
        if (value != null && !pattern.matcher(value).matches()) {
            errors.add(new Problem.FieldError(field, "must be " + shape));
            return null;
        }
        return value;
    }

    public Optional<String> optionalString(String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.ofNullable(string(field, maxLength));
    }

    public long positiveLong(String field, long max) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            errors.add(new Problem.FieldError(field, "must be a whole number"));
            return 0;
        }
        long number = value.asLong();
        if (number < 1 || number > max) {
            errors.add(new Problem.FieldError(field, "must be between 1 and " + max));
            return 0;
        }
        return number;
    }

    public int optionalInt(String field, int min, int max, int fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            errors.add(new Problem.FieldError(field, "must be a whole number from " + min + " to " + max));
            return fallback;
        }
        return value.asInt();
    }

    /** A non-empty array of distinct strings, each one of {@code allowed}. */
    public List<String> strings(String field, java.util.Set<String> allowed) {
        JsonNode value = body.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            errors.add(new Problem.FieldError(field, "must be a non-empty array of " + allowed));
            return List.of();
        }
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !allowed.contains(item.asText())) {
                errors.add(new Problem.FieldError(field, "may hold only " + allowed));
                return List.of();
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    public ObjectNode object(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return body.objectNode();
        }
        if (!(value instanceof ObjectNode object)) {
            errors.add(new Problem.FieldError(field, "must be a JSON object"));
            return body.objectNode();
        }
        return object;
    }

    /** Keys a bindings object may hold, at every depth together. */
    public static final int MAX_BINDING_KEYS = 500;
    /** How deep a bindings object may nest. */
    public static final int MAX_BINDING_DEPTH = 8;

    /**
     * A template's bindings: a JSON object (empty when absent) of at most
     * {@value #MAX_BINDING_KEYS} keys over at most {@value #MAX_BINDING_DEPTH} levels, with no
     * NUL character in a key or a text (PostgreSQL cannot store one). A bad one is named by its
     * path, e.g. {@code bindings.title}.
     */
    public ObjectNode bindings(String field) {
        ObjectNode bindings = object(field);
        int[] keys = {0};
        checkBindings(field, bindings, 1, keys);
        if (keys[0] > MAX_BINDING_KEYS) {
            errors.add(new Problem.FieldError(
                    field, "has " + keys[0] + " keys; at most " + MAX_BINDING_KEYS + " are taken"));
        }
        return bindings;
    }

    private boolean checkBindings(String path, JsonNode node, int depth, int[] keys) {
        if (depth > MAX_BINDING_DEPTH) {
            errors.add(new Problem.FieldError(path, "nests deeper than " + MAX_BINDING_DEPTH + " levels"));
            return false;
        }
        if (node.isTextual() && node.asText().indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError(path, "must not contain a NUL character"));
            return false;
        }
        if (node.isObject()) {
            var fields = node.properties().iterator();
            while (fields.hasNext() && keys[0] <= MAX_BINDING_KEYS) {
                var entry = fields.next();
                keys[0]++;
                if (entry.getKey().indexOf('\0') >= 0) {
                    errors.add(new Problem.FieldError(path, "has a key with a NUL character"));
                    return false;
                }
                if (!checkBindings(path + "." + entry.getKey(), entry.getValue(), depth + 1, keys)) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && keys[0] <= MAX_BINDING_KEYS; i++) {
                keys[0]++;
                if (!checkBindings(path + "[" + i + "]", node.get(i), depth + 1, keys)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The field's value as sent, or null when absent. */
    public JsonNode raw(String field) {
        return body.get(field);
    }

    public void error(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
    }

    /** Fails with every invalid field found so far. */
    public void check() {
        if (!errors.isEmpty()) {
            throw Problem.validation(
                    errors.size() == 1
                            ? errors.get(0).field() + ": " + errors.get(0).message()
                            : errors.size() + " fields are invalid",
                    errors);
        }
    }
}
