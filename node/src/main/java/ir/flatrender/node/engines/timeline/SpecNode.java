package ir.flatrender.node.engines.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** A node of the spec with its JSON path, whose getters name the path in every error. */
record SpecNode(JsonNode json, String path) {
    SpecNode child(String field) {
        return new SpecNode(json.path(field), path.isEmpty() ? field : path + "." + field);
    }

    boolean has(String field) {
        JsonNode value = json.get(field);
        return value != null && !value.isNull() && !value.isMissingNode();
    }

    boolean isObject() {
        return json.isObject();
    }

    boolean isText() {
        return json.isTextual();
    }

    List<SpecNode> items() {
        if (json.isMissingNode() || json.isNull()) {
            return List.of();
        }
        if (!json.isArray()) {
            throw new TimelineSpecException(path, "must be a list");
        }
        List<SpecNode> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            items.add(new SpecNode(json.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    Iterator<String> fieldNames() {
        return json.fieldNames();
    }

    String text() {
        if (!json.isTextual()) {
            throw new TimelineSpecException(path, "must be text");
        }
        return json.asText();
    }

    String text(String field, String fallback) {
        return has(field) ? child(field).text() : fallback;
    }

    double number() {
        if (!json.isNumber()) {
            throw new TimelineSpecException(path, "must be a number, not " + shown());
        }
        double value = json.asDouble();
        if (!Double.isFinite(value)) {
            throw new TimelineSpecException(path, "must be a finite number");
        }
        return value;
    }

    double number(String field, double fallback) {
        return has(field) ? child(field).number() : fallback;
    }

    double number(String field, double fallback, double min, double max) {
        double value = number(field, fallback);
        if (value < min || value > max) {
            throw new TimelineSpecException(
                    child(field).path(), "must be between " + min + " and " + max + " but is " + value);
        }
        return value;
    }

    Optional<Double> optionalNumber(String field) {
        return has(field) ? Optional.of(child(field).number()) : Optional.empty();
    }

    boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        if (!json.get(field).isBoolean()) {
            throw new TimelineSpecException(child(field).path(), "must be true or false");
        }
        return json.get(field).asBoolean();
    }

    Color color() {
        return Colors.parse(text(), path);
    }

    Color color(String field, Color fallback) {
        return has(field) ? child(field).color() : fallback;
    }

    String shown() {
        String text = json.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
