package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

/**
 * What changes about a template without a new version: which version is current, and whether
 * operators hid it from the catalog. Read fresh, never kept (unlike a {@link TemplateVersionRow}).
 */
public record TemplateStatus(String id, int currentVersion, boolean hidden) {
    public TemplateStatus {
        requireNonNull(id, "id is null");
    }

    public boolean isCurrent(InstalledTemplate template) {
        return template.id().equals(id) && template.version() == currentVersion;
    }
}
