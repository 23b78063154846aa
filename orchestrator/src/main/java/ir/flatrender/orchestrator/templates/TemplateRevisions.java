package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import ir.flatrender.orchestrator.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revises a template's current version for the operators' engine picker: its stored package
 * with the {@code template.json} changed (another engine whose payload the package holds, other
 * compositions per aspect), validated and stored as a push is, as a new version that becomes
 * current and keeps the template's tenant.
 */
public final class TemplateRevisions {
    private static final Logger log = LoggerFactory.getLogger(TemplateRevisions.class);
    /**
     * A composition's name: what Remotion's composition ids allow, and the spaces After Effects
     * composition names often have (the node passes it as one argument, never through a shell).
     */
    static final Pattern COMPOSITION = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9 ._-]{0,98}[A-Za-z0-9._-])?");
    /**
     * Written into a revised manifest: the version it revised. A version is identified by its
     * sources, so without it an operator switching back to choices an earlier revision had would
     * get that earlier version back (not current) instead of a new current one.
     */
    public static final String REVISED_FROM = "revisedFrom";

    /**
     * What an operator changes.
     *
     * @param engine empty to keep the base's
     * @param compositions a composition per aspect, for the aspects to change
     */
    public record Revision(String templateId, int baseVersion, String engine, List<AspectComposition> compositions) {
        public Revision {
            requireNonNull(templateId, "templateId is null");
            requireNonNull(engine, "engine is null");
            compositions = List.copyOf(compositions);
        }
    }

    public record AspectComposition(String aspect, String composition) {
        public AspectComposition {
            requireNonNull(aspect, "aspect is null");
            requireNonNull(composition, "composition is null");
        }
    }

    private final TemplateCatalog catalog;
    private final BlobStore blobs;
    private final ObjectMapper json;
    private final TemplatePackage.Limits limits;
    private final Path scratch;

    /** @param maxPackageBytes what a stored package may unpack to, as for a push */
    public TemplateRevisions(
            TemplateCatalog catalog, BlobStore blobs, ObjectMapper json, long maxPackageBytes, Path scratch) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.json = requireNonNull(json, "json is null");
        this.limits = TemplatePackage.Limits.of(maxPackageBytes);
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    /**
     * Makes the revision a new current version, or answers the base (not created) when it
     * changes nothing.
     */
    public TemplateCatalog.Installed revise(Revision revision) {
        requireNonNull(revision, "revision is null");
        InstalledTemplate base = catalog.find(revision.templateId(), revision.baseVersion());
        int current = catalog.status(base.id()).currentVersion();
        if (current != base.version()) {
            throw TemplateCatalog.staleBase(base.id(), base.version(), current);
        }
        check(revision, base);
        ObjectNode manifest = base.manifest().raw().deepCopy();
        if (!revision.engine().isEmpty()) {
            manifest.put("engine", revision.engine());
        }
        for (AspectComposition named : revision.compositions()) {
            ((ObjectNode) manifest.path("aspects").path(named.aspect())).put("composition", named.composition());
        }
        if (manifest.equals(base.manifest().raw())) {
            return new TemplateCatalog.Installed(base, false);
        }
        manifest.put(REVISED_FROM, base.version());
        byte[] bytes;
        try {
            bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a manifest read from JSON", e);
        }
        TemplateCatalog.Installed installed;
        try (TemplatePackage stored = open(base)) {
            installed = catalog.installRevision(
                    stored.withManifest(bytes), base.row().tenantId(), base.version());
        }
        log.info(
                "revised template {} version {} as version {} (engine {})",
                base.id(),
                base.version(),
                installed.template().version(),
                installed.template().manifest().engine());
        return installed;
    }

    /** Refuses, naming every bad field, what the base cannot take. */
    private static void check(Revision revision, InstalledTemplate base) {
        List<FieldViolation> problems = new ArrayList<>();
        String engine = revision.engine();
        List<String> available = RenderPackages.enginesAvailable(base.manifest().raw(), base.files()::contains);
        if (!engine.isEmpty() && !TemplateManifestParser.ENGINES.contains(engine)) {
            problems.add(new FieldViolation(
                    "engine", "unknown engine '" + engine + "'; one of " + TemplateManifestParser.ENGINES));
        } else if (!engine.isEmpty() && !available.contains(engine)) {
            problems.add(new FieldViolation(
                    "engine",
                    "the package has nothing the " + engine + " engine renders from (" + payload(engine)
                            + "); it has a payload for " + available));
        }
        Set<String> aspects = base.manifest().aspects().keySet();
        Set<String> named = new HashSet<>();
        for (int i = 0; i < revision.compositions().size(); i++) {
            AspectComposition change = revision.compositions().get(i);
            String path = "aspects[" + i + "]";
            if (!aspects.contains(change.aspect())) {
                problems.add(new FieldViolation(
                        path + ".aspect", "the template has no aspect '" + change.aspect() + "'; it has " + aspects));
            } else if (!named.add(change.aspect())) {
                problems.add(new FieldViolation(path + ".aspect", "'" + change.aspect() + "' is named twice"));
            }
            if (change.composition().isBlank()) {
                problems.add(new FieldViolation(path + ".composition", "is required"));
            } else if (!COMPOSITION.matcher(change.composition()).matches()) {
                problems.add(new FieldViolation(
                        path + ".composition",
                        "must be 1-100 letters, digits, spaces, '.', '_' or '-', starting with a letter, digit or"
                                + " '_' and not ending with a space (like Promo-16x9)"));
            }
        }
        if (!problems.isEmpty()) {
            throw FarmException.invalid("the revision is not valid", problems);
        }
    }

    private static String payload(String engine) {
        return switch (engine) {
            case "remotion" -> "a bundle, " + RenderPackages.REMOTION_BUNDLE_INDEX;
            case "aftereffects" -> "the project file aftereffects.project names";
            default -> "a spec in template.json";
        };
    }

    /** The base's stored package, unpacked to scratch as a pushed one is. */
    private TemplatePackage open(InstalledTemplate base) {
        String key = TemplateCatalog.packageKey(base.packageSha256());
        try {
            if (blobs.size(key).isEmpty()) {
                throw new FarmException(
                        ErrorCode.INTERNAL,
                        "the stored package of template '" + base.id() + "' version " + base.version() + " is missing");
            }
            Optional<Path> local = blobs.localPath(key);
            if (local.isPresent()) {
                return TemplatePackage.fromZip(local.get(), limits, scratch);
            }
            Path copy = Files.createTempFile(scratch, "revise-", ".zip");
            try {
                try (InputStream in = blobs.open(key, 0)) {
                    Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return TemplatePackage.fromZip(copy, limits, scratch);
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the stored package " + key, e);
        }
    }
}
