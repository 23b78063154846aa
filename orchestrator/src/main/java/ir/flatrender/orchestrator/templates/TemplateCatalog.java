package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs template packages and finds them. A package is stored once under its sha256;
 * installing the same content again returns the version it already is.
 */
public final class TemplateCatalog {
    private static final Logger log = LoggerFactory.getLogger(TemplateCatalog.class);

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final ObjectMapper json;
    /** Template versions never change once written, so they can be kept. */
    private final Map<String, InstalledTemplate> versions = new ConcurrentHashMap<>();

    public TemplateCatalog(Jdbi jdbi, BlobStore blobs, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.json = requireNonNull(json, "json is null");
    }

    public static String packageKey(String sha256) {
        return "templates/" + sha256 + ".zip";
    }

    /** A package's version, and whether this install made it (false: the same content was there). */
    public record Installed(InstalledTemplate template, boolean created) {}

    /** Validates and stores a package; answers the version it became (new or existing). */
    public Installed install(TemplatePackage pkg, UUID tenantId) {
        return install(pkg, tenantId, OptionalInt.empty());
    }

    /**
     * Installs a revision of {@code baseVersion} as {@link #install} does, provided that version
     * is still current when the new one is numbered (two operators revising the same version:
     * the second is refused, not silently stacked on the first).
     */
    public Installed installRevision(TemplatePackage pkg, UUID tenantId, int baseVersion) {
        return install(pkg, tenantId, OptionalInt.of(baseVersion));
    }

    /** The answer to a revision of a version that is no longer current. */
    public static FarmException staleBase(String templateId, int baseVersion, int currentVersion) {
        return new FarmException(
                ErrorCode.FAILED_PRECONDITION,
                "base_version " + baseVersion + " is not the current version of template '" + templateId + "' (version "
                        + currentVersion + " is); revise the current version");
    }

    private Installed install(TemplatePackage pkg, UUID tenantId, OptionalInt baseVersion) {
        requireNonNull(pkg, "pkg is null");
        JsonNode root;
        try {
            root = json.readTree(pkg.manifest());
        } catch (JsonProcessingException e) {
            throw FarmException.invalid(
                    "template.json",
                    "is not valid JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TemplateManifest manifest = TemplateManifestParser.parse(root);
        for (BindingField field : manifest.bindings()) {
            field.defaultValue()
                    .ifPresent(value -> BindingsValidator.resolve(
                            manifest.id(),
                            manifest.engine(),
                            List.of(field),
                            pkg.names(),
                            json.createObjectNode().set(field.name(), value)));
        }
        RenderPackages.check(manifest, pkg);
        TemplateAudio.check(manifest, pkg.names());
        String sourceSha256 =
                pkg.subset(RenderPackages.sourceFiles(manifest)).zipDigest().sha256();
        // The same sources again: that version, without storing anything.
        var known = jdbi.withExtension(TemplateDao.class, dao -> dao.findBySourceSha256(manifest.id(), sourceSha256));
        if (known.isPresent()) {
            checkOwner(manifest.id(), known.get().tenantId(), tenantId);
            catchUpCatalog(manifest, known.get());
            return new Installed(toInstalled(known.get()), false);
        }
        // Refused before anything is stored: another tenant's template id.
        jdbi.withExtension(TemplateDao.class, dao -> dao.owner(manifest.id()))
                .ifPresent(owner -> checkOwner(manifest.id(), owner, tenantId));
        // Packages are streamed, never held whole: digested first (the blob's key), then stored.
        TemplatePackage.ZipDigest zip = pkg.zipDigest();
        String sha256 = zip.sha256();
        TemplatePackage renderPackage = pkg.subset(RenderPackages.filesFor(manifest));
        TemplatePackage.ZipDigest renderZip =
                renderPackage.names().size() == pkg.names().size() ? zip : renderPackage.zipDigest();
        String renderSha256 = renderZip.sha256();
        // Stored before the row that names them, so no row ever points at a missing blob.
        storePackage(zip, pkg);
        storePackage(renderZip, renderPackage);
        List<String> files = List.copyOf(pkg.names());
        boolean[] created = {false};
        TemplateVersionRow row = jdbi.inTransaction(handle -> {
            TemplateDao dao = handle.attach(TemplateDao.class);
            dao.insertTemplateIfMissing(manifest.id(), tenantId, manifest.name().preferred());
            checkOwner(manifest.id(), dao.lockTemplate(manifest.id()), tenantId);
            var existing = dao.findBySourceSha256(manifest.id(), sourceSha256);
            if (existing.isPresent()) {
                return existing.get();
            }
            int current = dao.currentVersion(manifest.id()).orElseThrow();
            if (baseVersion.isPresent() && baseVersion.getAsInt() != current) {
                throw staleBase(manifest.id(), baseVersion.getAsInt(), current);
            }
            int version = dao.latestVersion(manifest.id()) + 1;
            dao.insertVersion(
                    manifest.id(),
                    version,
                    sha256,
                    zip.bytes(),
                    renderSha256,
                    renderZip.bytes(),
                    sourceSha256,
                    manifest.engine(),
                    manifest.composition().orElse(null),
                    manifest.fps(),
                    manifest.durationFrames(),
                    root.path("aspects"),
                    root.path("bindings").isArray() ? root.path("bindings") : json.createArrayNode(),
                    manifest.spec(),
                    root,
                    files);
            if (dao.makeCurrent(manifest.id(), version, manifest.name().preferred()) > 0) {
                // The catalog follows the current version, in the transaction that makes it current.
                handle.attach(CatalogProjectDao.class).write(CatalogProject.of(manifest), tenantId, version);
            }
            created[0] = true;
            log.info(
                    "installed template {} version {} ({} bytes, sha256 {})",
                    manifest.id(),
                    version,
                    zip.bytes(),
                    sha256);
            return dao.find(manifest.id(), version).orElseThrow();
        });
        return new Installed(toInstalled(row), created[0]);
    }

    /**
     * The same sources pushed again change nothing, except that a current version without its
     * catalog project (installed before the catalog existed) gets it.
     */
    private void catchUpCatalog(TemplateManifest manifest, TemplateVersionRow known) {
        jdbi.useTransaction(handle -> {
            TemplateDao dao = handle.attach(TemplateDao.class);
            CatalogProjectDao projects = handle.attach(CatalogProjectDao.class);
            if (dao.lockTemplate(manifest.id()) != null
                    && dao.currentVersion(manifest.id()).orElse(0) == known.version()
                    && projects.projectVersion(manifest.id()).orElse(0) != known.version()) {
                projects.write(CatalogProject.of(manifest), known.tenantId(), known.version());
            }
        });
    }

    /** A template id belongs to the tenant that first pushed it; nobody else adds versions to it. */
    private static void checkOwner(String templateId, UUID owner, UUID tenantId) {
        if (!owner.equals(tenantId)) {
            throw new FarmException(
                    ErrorCode.PERMISSION_DENIED, "template '" + templateId + "' belongs to another tenant");
        }
    }

    private void storePackage(TemplatePackage.ZipDigest zip, TemplatePackage pkg) {
        String sha256 = zip.sha256();
        String key = packageKey(sha256);
        try {
            if (blobs.size(key).filter(size -> size == zip.bytes()).isPresent()) {
                return;
            }
            try (BlobWriter writer = blobs.create(key)) {
                pkg.writeZip(writer.stream());
                if (!writer.sha256().equals(sha256)) {
                    throw new IllegalStateException("package digest changed while writing");
                }
                writer.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store template package " + sha256, e);
        }
    }

    /**
     * Finds a template version.
     *
     * @param version 0 for the current one
     */
    public InstalledTemplate find(String id, int version) {
        requireNonNull(id, "id is null");
        if (version > 0) {
            InstalledTemplate known = versions.get(id + "@" + version);
            if (known != null) {
                return known;
            }
        }
        TemplateVersionRow row = jdbi.withExtension(
                        TemplateDao.class, dao -> version > 0 ? dao.find(id, version) : dao.findCurrent(id))
                .orElseThrow(() -> version > 0
                        ? FarmException.notFound("template '" + id + "' has no version " + version)
                        : missing(id));
        return toInstalled(row);
    }

    /** The template's current version and whether it is hidden (both change, so never kept). */
    public TemplateStatus status(String id) {
        return jdbi.withExtension(TemplateDao.class, dao -> dao.status(id)).orElseThrow(() -> missing(id));
    }

    /** Every template's status, by id. */
    public Map<String, TemplateStatus> statuses() {
        return jdbi.withExtension(TemplateDao.class, TemplateDao::statuses).stream()
                .collect(Collectors.toMap(TemplateStatus::id, status -> status));
    }

    public List<InstalledTemplate> listCurrent() {
        return jdbi.withExtension(TemplateDao.class, TemplateDao::listCurrent).stream()
                .map(this::toInstalled)
                .toList();
    }

    /** Every version of a template, newest first. */
    public List<InstalledTemplate> versions(String id) {
        List<TemplateVersionRow> rows = jdbi.withExtension(TemplateDao.class, dao -> dao.versions(id));
        if (rows.isEmpty()) {
            throw missing(id);
        }
        return rows.stream().map(this::toInstalled).toList();
    }

    /**
     * Hides a template from every tenant's catalog, or shows it again; answers its status. It
     * stays renderable by its id.
     */
    public TemplateStatus setHidden(String id, boolean hidden) {
        return jdbi.inTransaction(handle -> {
            TemplateDao dao = handle.attach(TemplateDao.class);
            if (dao.setHidden(id, hidden) > 0) {
                log.info("template {} is {} the catalog", id, hidden ? "hidden from" : "shown in");
            }
            return dao.status(id).orElseThrow(() -> missing(id));
        });
    }

    private static FarmException missing(String id) {
        return FarmException.notFound("template '" + id + "' does not exist");
    }

    /** Whether a template with this id exists (any version). */
    public boolean exists(String id) {
        return jdbi.withExtension(TemplateDao.class, dao -> dao.findCurrent(id)).isPresent();
    }

    private InstalledTemplate toInstalled(TemplateVersionRow row) {
        return versions.computeIfAbsent(
                row.templateId() + "@" + row.version(),
                key -> new InstalledTemplate(
                        row, TemplateManifestParser.parse(row.manifest()), java.util.Set.copyOf(row.files())));
    }

    /** The manifest's bindings schema as JSON, for clients. */
    public static ArrayNode bindingsSchema(InstalledTemplate template) {
        JsonNode bindings = template.manifest().raw().path("bindings");
        return bindings.isArray()
                ? (ArrayNode) bindings
                : ((ObjectNode) template.manifest().raw()).arrayNode();
    }
}
