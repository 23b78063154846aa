package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

/** A version of a template's package, named by its sha256 (the cache's key). */
public record TemplateRef(String templateId, int version, String sha256, long sizeBytes) {
    public TemplateRef {
        requireNonNull(templateId, "templateId is null");
        requireNonNull(sha256, "sha256 is null");
    }
}
