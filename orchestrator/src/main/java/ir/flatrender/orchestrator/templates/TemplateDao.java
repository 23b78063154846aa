package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.json.Json;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(TemplateVersionRow.class)
@RegisterConstructorMapper(TemplateStatus.class)
public interface TemplateDao {
    String COLUMNS = """
            v.template_id, v.version, t.tenant_id,
            v.package_sha256, v.package_bytes, v.render_sha256, v.render_bytes, v.source_sha256, v.engine, v.composition, v.fps, v.duration_frames,
            v.manifest, v.files, v.created_at
            """;

    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.template_id = :id AND v.version = t.current_version
            """)
    Optional<TemplateVersionRow> findCurrent(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.template_id = :id AND v.version = :version
            """)
    Optional<TemplateVersionRow> find(@Bind("id") String id, @Bind("version") int version);

    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.template_id = :id AND v.source_sha256 = :sha256
            """)
    Optional<TemplateVersionRow> findBySourceSha256(@Bind("id") String id, @Bind("sha256") String sha256);

    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.version = t.current_version
            ORDER BY v.template_id
            """)
    List<TemplateVersionRow> listCurrent();

    /** Every version of one template, newest first. */
    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.template_id = :id
            ORDER BY v.version DESC
            """)
    List<TemplateVersionRow> versions(@Bind("id") String id);

    @SqlQuery("SELECT id, current_version, hidden FROM content.templates WHERE id = :id")
    Optional<TemplateStatus> status(@Bind("id") String id);

    @SqlQuery("SELECT id, current_version, hidden FROM content.templates ORDER BY id")
    List<TemplateStatus> statuses();

    /** Hides or shows a template; 0 rows when it is already so (or does not exist). */
    @SqlUpdate("""
            UPDATE content.templates
            SET hidden = :hidden, hidden_at = CASE WHEN :hidden THEN now() END, updated_at = now()
            WHERE id = :id AND hidden = NOT :hidden
            """)
    int setHidden(@Bind("id") String id, @Bind("hidden") boolean hidden);

    /** The template versions whose render package has this digest (usually one). */
    @SqlQuery("SELECT " + COLUMNS + """
            FROM content.template_versions v
            JOIN content.templates t ON t.id = v.template_id
            WHERE v.render_sha256 = :sha256
            ORDER BY v.template_id, v.version
            """)
    List<TemplateVersionRow> findByRenderSha256(@Bind("sha256") String sha256);

    /** Creates the template row if missing, then locks it so versions are numbered one at a time. */
    @SqlUpdate("""
            INSERT INTO content.templates (id, tenant_id, name, current_version)
            VALUES (:id, :tenantId, :name, 1)
            ON CONFLICT (id) DO NOTHING
            """)
    void insertTemplateIfMissing(@Bind("id") String id, @Bind("tenantId") UUID tenantId, @Bind("name") String name);

    @SqlQuery("SELECT current_version FROM content.templates WHERE id = :id")
    Optional<Integer> currentVersion(@Bind("id") String id);

    @SqlQuery("SELECT coalesce(max(version), 0) FROM content.template_versions WHERE template_id = :id")
    int latestVersion(@Bind("id") String id);

    @SqlQuery("SELECT tenant_id FROM content.templates WHERE id = :id")
    Optional<UUID> owner(@Bind("id") String id);

    /** Locks the template row; answers the tenant that owns it. */
    @SqlQuery("SELECT tenant_id FROM content.templates WHERE id = :id FOR UPDATE")
    UUID lockTemplate(@Bind("id") String id);

    @SqlUpdate("""
            INSERT INTO content.template_versions (
                template_id, version, package_sha256, package_bytes, render_sha256, render_bytes, source_sha256,
                engine, composition, fps, duration_frames, aspects, bindings_schema, spec, manifest, files)
            VALUES (
                :templateId, :version, :sha256, :bytes, :renderSha256, :renderBytes, :sourceSha256,
                :engine, :composition, :fps, :durationFrames, :aspects, :bindingsSchema, :spec, :manifest, :files)
            """)
    void insertVersion(
            @Bind("templateId") String templateId,
            @Bind("version") int version,
            @Bind("sha256") String sha256,
            @Bind("bytes") long bytes,
            @Bind("renderSha256") String renderSha256,
            @Bind("renderBytes") long renderBytes,
            @Bind("sourceSha256") String sourceSha256,
            @Bind("engine") String engine,
            @Bind("composition") String composition,
            @Bind("fps") int fps,
            @Bind("durationFrames") int durationFrames,
            @Bind("aspects") @Json JsonNode aspects,
            @Bind("bindingsSchema") @Json JsonNode bindingsSchema,
            @Bind("spec") @Json JsonNode spec,
            @Bind("manifest") @Json JsonNode manifest,
            @Bind("files") List<String> files);

    @SqlUpdate("""
            UPDATE content.templates
            SET current_version = :version, name = :name, updated_at = now()
            WHERE id = :id AND current_version <= :version
            """)
    int makeCurrent(@Bind("id") String id, @Bind("version") int version, @Bind("name") String name);
}
