package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One field of a template's bindings schema.
 *
 * @param name the key in the bindings object
 * @param type what kind of value it takes
 * @param label what an editor shows
 * @param required whether a job must give it (a field with a default never must)
 * @param defaultValue the value used when a job leaves it out
 * @param minLength texts: fewest characters
 * @param maxLength texts: most characters
 * @param min numbers: smallest value
 * @param max numbers: largest value
 * @param prop the name the engine receives the value under, when it is not {@code name}: a
 *     Remotion composition's prop as its author named it ({@code titleText} for a binding
 *     {@code title_text})
 */
public record BindingField(
        String name,
        BindingType type,
        LocalizedText label,
        boolean required,
        Optional<JsonNode> defaultValue,
        OptionalInt minLength,
        OptionalInt maxLength,
        OptionalDouble min,
        OptionalDouble max,
        Optional<String> prop) {
    public BindingField {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(label, "label is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(minLength, "minLength is null");
        requireNonNull(maxLength, "maxLength is null");
        requireNonNull(min, "min is null");
        requireNonNull(max, "max is null");
        requireNonNull(prop, "prop is null");
    }

    /** The name the engine receives this field's value under. */
    public String propName() {
        return prop.orElse(name);
    }
}
