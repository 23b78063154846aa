package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

/** A label in English and Persian; either may be empty, not both. */
public record LocalizedText(String en, String fa) {
    public LocalizedText {
        requireNonNull(en, "en is null");
        requireNonNull(fa, "fa is null");
    }

    /** The English text, else the Persian. */
    public String preferred() {
        return en.isEmpty() ? fa : en;
    }
}
