package ir.flatrender.orchestrator.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Reads the catalog as one tenant sees it (the default tenant's projects and its own, but not the
 * templates operators hid), and links media to a project.
 */
@RegisterConstructorMapper(CatalogRows.Category.class)
@RegisterConstructorMapper(CatalogRows.Project.class)
@RegisterConstructorMapper(CatalogRows.Scene.class)
@RegisterConstructorMapper(CatalogRows.Field.class)
@RegisterConstructorMapper(CatalogRows.Preset.class)
@RegisterConstructorMapper(CatalogRows.Media.class)
@RegisterConstructorMapper(CatalogDao.SnapshotSource.class)
@RegisterConstructorMapper(CatalogDao.ExportSource.class)
public interface CatalogDao {
    @SqlQuery("""
            SELECT c.id, c.name_fa, c.name_en, c.position FROM content.containers c
            WHERE EXISTS (SELECT 1 FROM content.projects p JOIN content.templates t ON t.id = p.id
                WHERE p.container_id = c.id AND p.tenant_id IN (:shared, :tenant) AND NOT t.hidden)
            ORDER BY c.position, c.id
            """)
    List<CatalogRows.Category> categories(@Bind("shared") UUID shared, @Bind("tenant") UUID tenant);

    @SqlQuery("""
            SELECT p.id, p.tenant_id, p.container_id, p.template_version, p.name_fa, p.name_en, p.description_fa,
                p.description_en, p.tags_fa, p.tags_en, p.engine, p.fps, p.duration_frames, p.aspects, p.updated_at
            FROM content.projects p
            JOIN content.templates t ON t.id = p.id
            LEFT JOIN content.containers c ON c.id = p.container_id
            WHERE p.tenant_id IN (:shared, :tenant) AND (:withHidden OR NOT t.hidden)
              AND (CAST(:id AS text) IS NULL OR p.id = :id)
            ORDER BY c.position NULLS LAST, p.id
            """)
    List<CatalogRows.Project> projects(
            @Bind("shared") UUID shared,
            @Bind("tenant") UUID tenant,
            @Bind("id") String id,
            @Bind("withHidden") boolean withHidden);

    /** The tenant whose project it is, whichever that is (the operators read every tenant's). */
    @SqlQuery("SELECT tenant_id FROM content.projects WHERE id = :id")
    Optional<UUID> projectTenant(@Bind("id") String id);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM content.templates WHERE id = :id)")
    boolean templateExists(@Bind("id") String id);

    @SqlQuery("SELECT * FROM content.scenes WHERE project_id = ANY(:ids) ORDER BY project_id, position")
    List<CatalogRows.Scene> scenes(@Bind("ids") List<String> ids);

    @SqlQuery("""
            SELECT * FROM content.scene_fields WHERE project_id = ANY(:ids)
            ORDER BY project_id, scene_position, position
            """)
    List<CatalogRows.Field> fields(@Bind("ids") List<String> ids);

    @SqlQuery("SELECT * FROM content.color_presets WHERE project_id = ANY(:ids) ORDER BY project_id, position")
    List<CatalogRows.Preset> presets(@Bind("ids") List<String> ids);

    /** The media of the projects' current versions. */
    @SqlQuery("""
            SELECT m.* FROM content.project_media m
            JOIN content.projects p ON p.id = m.project_id AND p.template_version = m.template_version
            WHERE m.project_id = ANY(:ids)
            ORDER BY m.project_id, m.kind, m.aspect
            """)
    List<CatalogRows.Media> media(@Bind("ids") List<String> ids);

    /** A blob of the catalog the tenant may see (any version's: an old URL keeps working while its row is kept). */
    @SqlQuery("""
            SELECT m.* FROM content.project_media m
            JOIN content.projects p ON p.id = m.project_id
            WHERE m.sha256 = :sha256 AND p.tenant_id IN (:shared, :tenant)
            LIMIT 1
            """)
    Optional<CatalogRows.Media> mediaBySha256(
            @Bind("shared") UUID shared, @Bind("tenant") UUID tenant, @Bind("sha256") String sha256);

    /** A cached still, as the snapshot cache keeps it. */
    record SnapshotSource(
            String templateId,
            int templateVersion,
            String aspect,
            String format,
            int width,
            int height,
            String blobKey) {}

    @SqlQuery("""
            SELECT template_id, template_version, aspect, format, width, height, blob_key
            FROM render.snapshots WHERE cache_key = :key
            """)
    Optional<SnapshotSource> snapshot(@Bind("key") String cacheKey);

    /** A job's own export. */
    record ExportSource(
            String templateId,
            int templateVersion,
            String aspect,
            String state,
            String tier,
            String blobKey,
            long sizeBytes,
            int width,
            int height,
            int frameCount,
            long durationMillis,
            String codec) {}

    @SqlQuery("""
            SELECT j.template_id, j.template_version, j.aspect, j.state, e.tier, e.blob_key, e.size_bytes, e.width,
                e.height, e.frame_count, e.duration_millis, e.codec
            FROM render.render_jobs j JOIN render.exports e ON e.job_id = j.id AND e.tier = j.tier
            WHERE j.id = :id
            """)
    Optional<ExportSource> export(@Bind("id") UUID jobId);

    @SqlQuery("SELECT template_version FROM content.projects WHERE id = :id FOR UPDATE")
    Optional<Integer> lockProject(@Bind("id") String id);

    @SqlUpdate("""
            INSERT INTO content.project_media (project_id, template_version, kind, aspect, sha256, blob_key,
                content_type, size_bytes, width, height, duration_millis, frame_count)
            VALUES (:m.projectId, :m.templateVersion, :m.kind, :m.aspect, :m.sha256, :m.blobKey, :m.contentType,
                :m.sizeBytes, :m.width, :m.height, :m.durationMillis, :m.frameCount)
            ON CONFLICT (project_id, template_version, kind, aspect) DO UPDATE SET
                sha256 = excluded.sha256, blob_key = excluded.blob_key, content_type = excluded.content_type,
                size_bytes = excluded.size_bytes, width = excluded.width, height = excluded.height,
                duration_millis = excluded.duration_millis, frame_count = excluded.frame_count, created_at = now()
            """)
    void putMedia(@org.jdbi.v3.sqlobject.customizer.BindMethods("m") CatalogRows.Media media);
}
