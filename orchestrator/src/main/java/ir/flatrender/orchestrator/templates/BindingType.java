package ir.flatrender.orchestrator.templates;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of value a template binding takes. */
public enum BindingType {
    TEXT,
    COLOR,
    IMAGE,
    AUDIO,
    NUMBER;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BindingType> fromJson(String name) {
        return Arrays.stream(values()).filter(t -> t.jsonName().equals(name)).findFirst();
    }
}
