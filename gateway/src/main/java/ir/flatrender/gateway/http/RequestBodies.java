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
