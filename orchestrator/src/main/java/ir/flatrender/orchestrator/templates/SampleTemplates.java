package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The templates bundled with the orchestrator, installed for {@code dev} and {@code demo}. */
public final class SampleTemplates {
    public static final String SAMPLE_PROMO = "sample-promo";
    private static final String BASE = "ir/flatrender/orchestrator/samples";
    /** Class-path resources cannot be listed, so each sample names its files. */
    private static final Map<String, List<String>> SAMPLES = Map.of(SAMPLE_PROMO, List.of("template.json", "logo.png"));

    private SampleTemplates() {}

    public static TemplatePackage load(String id) {
        List<String> files = SAMPLES.get(requireNonNull(id, "id is null"));
        if (files == null) {
            throw new IllegalArgumentException("no bundled sample " + id + "; samples are " + SAMPLES.keySet());
        }
        return TemplatePackage.fromClassPath(SampleTemplates.class.getClassLoader(), BASE + "/" + id, files);
    }

    /** Installs every bundled sample; unchanged ones are left as they are. */
    public static List<InstalledTemplate> installAll(TemplateCatalog catalog, UUID tenantId) {
        List<InstalledTemplate> installed = new ArrayList<>();
        for (String id : SAMPLES.keySet().stream().sorted().toList()) {
            installed.add(catalog.install(load(id), tenantId).template());
        }
        return installed;
    }
}
