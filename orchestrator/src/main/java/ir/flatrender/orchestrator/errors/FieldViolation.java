package ir.flatrender.orchestrator.errors;

import static java.util.Objects.requireNonNull;

/**
 * One bad field of a request.
 *
 * @param field the field's path, e.g. {@code bindings.title}
 * @param description what is wrong with it, for a person
 */
public record FieldViolation(String field, String description) {
    public FieldViolation {
        requireNonNull(field, "field is null");
        requireNonNull(description, "description is null");
    }

    @Override
    public String toString() {
        return field + ": " + description;
    }
}
