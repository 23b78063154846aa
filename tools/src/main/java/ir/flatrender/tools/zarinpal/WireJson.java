package ir.flatrender.tools.zarinpal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ZarinPal v4's JSON, as the emulator reads and writes it: the request fields with ZarinPal's
 * validation messages, and the envelope of every answer (HTTP 200 whatever happened): {@code
 * {"data":{…},"errors":[]}} on success, {@code {"data":[],"errors":{"code":…,"message":…,
 * "validations":[…]}}} on failure.
 */
final class WireJson {
    static final String VALIDATION = "The input params invalid, validation error.";

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** The body as a JSON object; empty when it is none (or too large, or not JSON). */
    Optional<ObjectNode> parse(byte[] body, int maxBytes) {
        if (body.length > maxBytes) {
            return Optional.empty();
        }
        try {
            return json.readTree(body) instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String merchant(ObjectNode request, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get("merchant_id");
        if (node == null
                || node.isNull()
                || !node.isTextual()
                || node.textValue().isBlank()) {
            invalid.add(Map.entry("merchant_id", "The merchant id field is required."));
            return null;
        }
        if (node.textValue().length() != 36) {
            invalid.add(Map.entry("merchant_id", "The merchant id must be 36 characters."));
            return null;
        }
        return node.textValue();
    }

    static long amount(ObjectNode request, long minimum, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get("amount");
        long amount;
        if (node == null || node.isNull()) {
            invalid.add(Map.entry("amount", "The amount field is required."));
            return -1;
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            amount = node.longValue();
        } else if (node.isTextual() && node.textValue().matches("[0-9]{1,18}")) {
            amount = Long.parseLong(node.textValue());
        } else {
            invalid.add(Map.entry("amount", "The amount must be an integer."));
            return -1;
        }
        if (amount < minimum) {
            invalid.add(Map.entry("amount", "The amount must be at least " + minimum + "."));
            return -1;
        }
        return amount;
    }

    static String required(ObjectNode request, String field, String message, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            invalid.add(Map.entry(field, message));
            return null;
        }
        return node.textValue();
    }

    /** ZarinPal's fee: 1% of the amount, paid by the merchant. */
    static long fee(long amount) {
        return amount / 100;
    }

    Reply success(ObjectNode data, String note) {
        ObjectNode root = json.createObjectNode();
        root.set("data", data);
        root.putArray("errors");
        return Reply.json(bytes(root), note);
    }

    Reply error(int code, String message) {
        return error(code, message, List.of());
    }

    Reply invalid(List<Map.Entry<String, String>> validations) {
        return error(-9, VALIDATION, validations);
    }

    Reply notJson() {
        return invalid(List.of(Map.entry("body", "The request body must be a JSON object.")));
    }

    Reply error(int code, String message, List<Map.Entry<String, String>> validations) {
        ObjectNode root = json.createObjectNode();
        root.putArray("data");
        ObjectNode errors = root.putObject("errors").put("code", code).put("message", message);
        ArrayNode list = errors.putArray("validations");
        validations.forEach(v -> list.addObject().put(v.getKey(), v.getValue()));
        return Reply.json(bytes(root), " " + code);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
