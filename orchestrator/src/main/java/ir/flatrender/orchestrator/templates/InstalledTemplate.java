package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** A template version as stored, with its parsed manifest. */
public record InstalledTemplate(TemplateVersionRow row, TemplateManifest manifest, Set<String> files) {
    public InstalledTemplate {
        requireNonNull(row, "row is null");
        requireNonNull(manifest, "manifest is null");
        files = Set.copyOf(files);
    }

    public String id() {
        return row.templateId();
    }

    public int version() {
        return row.version();
    }

    public String packageSha256() {
        return row.packageSha256();
    }
}
