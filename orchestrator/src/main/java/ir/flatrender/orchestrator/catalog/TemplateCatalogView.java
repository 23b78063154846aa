package ir.flatrender.orchestrator.catalog;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.jobs.SegmentFormat;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The template catalog as tenants read it, and the farm-rendered media operators link to it. A
 * tenant sees the shared tenant's projects (the pack) and its own; media are blobs of their own
 * ({@code catalog/<sha256>.<ext>}), copied out of the snapshot cache or the job's export, so a
 * purge of either leaves the catalog whole.
 */
public final class TemplateCatalogView {
    /** The tenant whose projects every tenant sees. */
    public static final UUID SHARED_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private final Jdbi jdbi;
    private final BlobStore blobs;

    public TemplateCatalogView(Jdbi jdbi, BlobStore blobs) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
    }

    public CatalogRows.Catalog list(UUID tenant) {
        return jdbi.inTransaction(handle -> {
            CatalogDao dao = handle.attach(CatalogDao.class);
            List<CatalogRows.Project> projects = dao.projects(SHARED_TENANT, tenant, null, false);
            return new CatalogRows.Catalog(dao.categories(SHARED_TENANT, tenant), entries(dao, projects));
        });
    }

    public CatalogRows.Entry get(UUID tenant, String id) {
        return get(tenant, id, false);
    }

    /**
     * A tenant's view of one entry; {@code withHidden} for the operators (the farm token and the
     * console), who manage a hidden template's entry too.
     */
    public CatalogRows.Entry get(UUID tenant, String id, boolean withHidden) {
        return jdbi.inTransaction(handle -> {
            CatalogDao dao = handle.attach(CatalogDao.class);
            List<CatalogRows.Entry> entries = entries(dao, dao.projects(SHARED_TENANT, tenant, id, withHidden));
            if (entries.isEmpty()) {
                throw FarmException.notFound("the catalog has no template '" + id + "'");
            }
            return entries.get(0);
        });
    }

    /** A template's entry, whichever tenant it belongs to: the operators' view. */
    public CatalogRows.Entry entry(String id) {
        Optional<UUID> owner = jdbi.withExtension(CatalogDao.class, dao -> dao.projectTenant(id));
        if (owner.isEmpty()) {
            throw FarmException.notFound(
                    jdbi.withExtension(CatalogDao.class, dao -> dao.templateExists(id))
                            ? "template '" + id + "' has no catalog entry (push its sources again to make one)"
                            : "template '" + id + "' does not exist");
        }
        return get(owner.get(), id, true);
    }

    private static List<CatalogRows.Entry> entries(CatalogDao dao, List<CatalogRows.Project> projects) {
        if (projects.isEmpty()) {
            return List.of();
        }
        List<String> ids = projects.stream().map(CatalogRows.Project::id).toList();
        Map<String, List<CatalogRows.Scene>> scenes = byProject(dao.scenes(ids), CatalogRows.Scene::projectId);
        Map<String, List<CatalogRows.Field>> fields = byProject(dao.fields(ids), CatalogRows.Field::projectId);
        Map<String, List<CatalogRows.Preset>> presets = byProject(dao.presets(ids), CatalogRows.Preset::projectId);
        Map<String, List<CatalogRows.Media>> media = byProject(dao.media(ids), CatalogRows.Media::projectId);
        List<CatalogRows.Entry> entries = new ArrayList<>();
        for (CatalogRows.Project project : projects) {
            entries.add(new CatalogRows.Entry(
                    project,
                    scenes.getOrDefault(project.id(), List.of()),
                    fields.getOrDefault(project.id(), List.of()),
                    presets.getOrDefault(project.id(), List.of()),
                    media.getOrDefault(project.id(), List.of())));
        }
        return entries;
    }

    private static <T> Map<String, List<T>> byProject(List<T> rows, Function<T, String> project) {
        return rows.stream().collect(Collectors.groupingBy(project));
    }

    /** A media blob the tenant may see, by its sha256. */
    public CatalogRows.Media media(UUID tenant, String sha256) {
        return jdbi.withExtension(CatalogDao.class, dao -> dao.mediaBySha256(SHARED_TENANT, tenant, sha256))
                .orElseThrow(() -> FarmException.notFound("the catalog has no media " + sha256));
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** Links a cached still as the cover of its aspect for the template version it was rendered from. */
    public CatalogRows.Media coverFromSnapshot(String templateId, int version, String cacheKey) {
        CatalogDao.SnapshotSource still = jdbi.withExtension(CatalogDao.class, dao -> dao.snapshot(cacheKey))
                .orElseThrow(() -> FarmException.notFound("no cached snapshot " + cacheKey));
        checkSource(templateId, version, still.templateId(), still.templateVersion());
        String type = still.format().equals("png") ? "image/png" : "image/jpeg";
        String ext = SegmentFormat.of(still.format()).extension();
        Stored stored = copy(still.blobKey(), ext);
        return put(new CatalogRows.Media(
                templateId,
                version,
                "cover",
                still.aspect(),
                stored.sha256(),
                stored.key(),
                type,
                stored.bytes(),
                still.width(),
                still.height(),
                null,
                null));
    }

    /** Links a succeeded job's export as the template version's preview. */
    public CatalogRows.Media previewFromJob(String templateId, int version, UUID jobId) {
        CatalogDao.ExportSource export = jdbi.withExtension(CatalogDao.class, dao -> dao.export(jobId))
                .orElseThrow(() -> FarmException.notFound("job " + jobId + " has no export"));
        checkSource(templateId, version, export.templateId(), export.templateVersion());
        if (!export.state().equals("succeeded")) {
            throw new FarmException(ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is " + export.state());
        }
        Stored stored = copy(export.blobKey(), "mp4");
        return put(new CatalogRows.Media(
                templateId,
                version,
                "preview",
                export.aspect(),
                stored.sha256(),
                stored.key(),
                "video/mp4",
                stored.bytes(),
                export.width(),
                export.height(),
                export.durationMillis(),
                export.frameCount()));
    }

    private static void checkSource(String templateId, int version, String sourceTemplate, int sourceVersion) {
        if (!sourceTemplate.equals(templateId) || sourceVersion != version) {
            throw FarmException.invalid(
                    "template_version",
                    "the render is of " + sourceTemplate + " version " + sourceVersion + ", not " + templateId
                            + " version " + version);
        }
    }

    private CatalogRows.Media put(CatalogRows.Media media) {
        return jdbi.inTransaction(handle -> {
            CatalogDao dao = handle.attach(CatalogDao.class);
            Optional<Integer> current = dao.lockProject(media.projectId());
            if (current.isEmpty()) {
                throw FarmException.notFound("the catalog has no template '" + media.projectId() + "'");
            }
            if (current.get() != media.templateVersion()) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION,
                        "the catalog shows version " + current.get() + " of " + media.projectId() + ", not "
                                + media.templateVersion());
            }
            dao.putMedia(media);
            return media;
        });
    }

    private record Stored(String key, String sha256, long bytes) {}

    /** Copies a blob to its content-addressed catalog key. */
    private Stored copy(String sourceKey, String ext) {
        try {
            String sha256;
            try (InputStream in = blobs.open(sourceKey, 0)) {
                java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
                sha256 = java.util.HexFormat.of().formatHex(digest.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            String key = "catalog/" + sha256 + "." + ext;
            Optional<Long> size = blobs.size(key);
            if (size.isEmpty()) {
                try (InputStream in = blobs.open(sourceKey, 0);
                        BlobWriter writer = blobs.create(key)) {
                    in.transferTo(writer.stream());
                    if (!writer.sha256().equals(sha256)) {
                        throw new IllegalStateException(sourceKey + " changed while it was copied");
                    }
                    writer.commit();
                }
                size = blobs.size(key);
            }
            return new Stored(key, sha256, size.orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + sourceKey + " into the catalog", e);
        }
    }
}
