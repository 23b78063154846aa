package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.json.Json;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Writes a template's catalog project (content.projects and what hangs off it). */
public interface CatalogProjectDao {
    @SqlUpdate("""
            INSERT INTO content.containers (id, name_fa, name_en, position)
            VALUES (:id, :fa, :en, (SELECT coalesce(max(position) + 1, 0) FROM content.containers))
            ON CONFLICT (id) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en, updated_at = now()
            WHERE (content.containers.name_fa, content.containers.name_en) IS DISTINCT FROM (excluded.name_fa, excluded.name_en)
            """)
    void upsertContainer(@Bind("id") String id, @Bind("fa") String fa, @Bind("en") String en);

    @SqlQuery("SELECT template_version FROM content.projects WHERE id = :id")
    Optional<Integer> projectVersion(@Bind("id") String id);

    @SqlUpdate("""
            INSERT INTO content.projects (id, tenant_id, container_id, template_version, name_fa, name_en,
                description_fa, description_en, tags_fa, tags_en, engine, fps, duration_frames, aspects)
            VALUES (:id, :tenantId, :container, :version, :nameFa, :nameEn, :descriptionFa, :descriptionEn,
                :tagsFa, :tagsEn, :engine, :fps, :durationFrames, :aspects)
            ON CONFLICT (id) DO UPDATE SET
                tenant_id = excluded.tenant_id, container_id = excluded.container_id,
                template_version = excluded.template_version, name_fa = excluded.name_fa, name_en = excluded.name_en,
                description_fa = excluded.description_fa, description_en = excluded.description_en,
                tags_fa = excluded.tags_fa, tags_en = excluded.tags_en, engine = excluded.engine, fps = excluded.fps,
                duration_frames = excluded.duration_frames, aspects = excluded.aspects, updated_at = now()
            """)
    void upsertProject(
            @Bind("id") String id,
            @Bind("tenantId") UUID tenantId,
            @Bind("container") String container,
            @Bind("version") int version,
            @Bind("nameFa") String nameFa,
            @Bind("nameEn") String nameEn,
            @Bind("descriptionFa") String descriptionFa,
            @Bind("descriptionEn") String descriptionEn,
            @Bind("tagsFa") List<String> tagsFa,
            @Bind("tagsEn") List<String> tagsEn,
            @Bind("engine") String engine,
            @Bind("fps") int fps,
            @Bind("durationFrames") int durationFrames,
            @Bind("aspects") @Json JsonNode aspects);

    @SqlUpdate("DELETE FROM content.scenes WHERE project_id = :id")
    void deleteScenes(@Bind("id") String id);

    @SqlUpdate("DELETE FROM content.color_presets WHERE project_id = :id")
    void deletePresets(@Bind("id") String id);

    @SqlUpdate("""
            INSERT INTO content.scenes (project_id, position, name_fa, name_en, start_frame, duration_frames)
            VALUES (:id, :position, :nameFa, :nameEn, 0, :durationFrames)
            """)
    void insertScene(
            @Bind("id") String id,
            @Bind("position") int position,
            @Bind("nameFa") String nameFa,
            @Bind("nameEn") String nameEn,
            @Bind("durationFrames") int durationFrames);

    @SqlUpdate("""
            INSERT INTO content.scene_fields (project_id, scene_position, position, name, type, label_fa, label_en,
                required, min_length, max_length, min_value, max_value, default_fa, default_en, palette)
            VALUES (:id, :scene, :position, :name, :type, :labelFa, :labelEn, :required, :minLength, :maxLength,
                :min, :max, :defaultFa, :defaultEn, :palette)
            """)
    void insertField(
            @Bind("id") String id,
            @Bind("scene") int scene,
            @Bind("position") int position,
            @Bind("name") String name,
            @Bind("type") String type,
            @Bind("labelFa") String labelFa,
            @Bind("labelEn") String labelEn,
            @Bind("required") boolean required,
            @Bind("minLength") Integer minLength,
            @Bind("maxLength") Integer maxLength,
            @Bind("min") Double min,
            @Bind("max") Double max,
            @Bind("defaultFa") @Json JsonNode defaultFa,
            @Bind("defaultEn") @Json JsonNode defaultEn,
            @Bind("palette") List<String> palette);

    @SqlUpdate("""
            INSERT INTO content.color_presets (project_id, position, name_fa, name_en, colors)
            VALUES (:id, :position, :nameFa, :nameEn, :colors)
            """)
    void insertPreset(
            @Bind("id") String id,
            @Bind("position") int position,
            @Bind("nameFa") String nameFa,
            @Bind("nameEn") String nameEn,
            @Bind("colors") @Json JsonNode colors);

    /** Writes the project of {@code version} of a template, replacing what it had. */
    default void write(CatalogProject project, UUID tenantId, int version) {
        upsertContainer(
                project.container().id(),
                project.container().name().fa(),
                project.container().name().en());
        upsertProject(
                project.id(),
                tenantId,
                project.container().id(),
                version,
                project.name().fa(),
                project.name().en(),
                project.description().fa(),
                project.description().en(),
                project.tagsFa(),
                project.tagsEn(),
                project.engine(),
                project.fps(),
                project.durationFrames(),
                project.aspects());
        deleteScenes(project.id());
        deletePresets(project.id());
        insertScene(project.id(), 0, project.name().fa(), project.name().en(), project.durationFrames());
        int position = 0;
        for (CatalogProject.Field field : project.fields()) {
            insertField(
                    project.id(),
                    0,
                    position++,
                    field.name(),
                    field.type(),
                    field.label().fa(),
                    field.label().en(),
                    field.required(),
                    field.minLength(),
                    field.maxLength(),
                    field.min(),
                    field.max(),
                    field.defaultFa(),
                    field.defaultEn(),
                    field.palette());
        }
        position = 0;
        for (CatalogProject.Preset preset : project.presets()) {
            insertPreset(
                    project.id(), position++, preset.name().fa(), preset.name().en(), preset.colors());
        }
    }
}
