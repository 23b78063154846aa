package ir.flatrender.orchestrator.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.json.Json;

/** The catalog's rows as read (content.containers, projects, scene_fields, color_presets, project_media). */
public final class CatalogRows {
    private static final List<String> ASPECT_ORDER = List.of("16:9", "1:1", "9:16");

    private CatalogRows() {}

    public record Category(String id, String nameFa, String nameEn, int position) {}

    public record Project(
            String id,
            UUID tenantId,
            String containerId,
            int templateVersion,
            String nameFa,
            String nameEn,
            String descriptionFa,
            String descriptionEn,
            List<String> tagsFa,
            List<String> tagsEn,
            String engine,
            int fps,
            int durationFrames,
            @Json JsonNode aspects,
            Instant updatedAt) {
        /** Its aspects in the catalog's order, wide first (jsonb keeps keys by length, not as written). */
        public List<Aspect> aspectsInOrder() {
            List<Aspect> found = new ArrayList<>();
            aspects.properties()
                    .forEach(aspect -> found.add(new Aspect(
                            aspect.getKey(),
                            aspect.getValue().path("width").asInt(),
                            aspect.getValue().path("height").asInt(),
                            aspect.getValue().path("composition").asText(""))));
            found.sort(Comparator.comparingInt(a ->
                    ASPECT_ORDER.indexOf(a.aspect()) < 0 ? ASPECT_ORDER.size() : ASPECT_ORDER.indexOf(a.aspect())));
            return found;
        }
    }

    /** An aspect of a project, at its full size; its composition is empty but for Remotion. */
    public record Aspect(String aspect, int width, int height, String composition) {}

    public record Scene(
            String projectId, int position, String nameFa, String nameEn, int startFrame, int durationFrames) {}

    public record Field(
            String projectId,
            int scenePosition,
            int position,
            String name,
            String type,
            String labelFa,
            String labelEn,
            boolean required,
            Integer minLength,
            Integer maxLength,
            Double minValue,
            Double maxValue,
            @Json JsonNode defaultFa,
            @Json JsonNode defaultEn,
            List<String> palette) {}

    public record Preset(
            String projectId,
            int position,
            String nameFa,
            String nameEn,
            @Json JsonNode colors) {}

    public record Media(
            String projectId,
            int templateVersion,
            String kind,
            String aspect,
            String sha256,
            String blobKey,
            String contentType,
            long sizeBytes,
            int width,
            int height,
            Long durationMillis,
            Integer frameCount) {}

    /** A project with everything a form needs, and the media of its current version. */
    public record Entry(
            Project project, List<Scene> scenes, List<Field> fields, List<Preset> presets, List<Media> media) {
        public Entry {
            scenes = List.copyOf(scenes);
            fields = List.copyOf(fields);
            presets = List.copyOf(presets);
            media = List.copyOf(media);
        }
    }

    /** What a tenant sees: the categories that hold its visible entries, and those entries. */
    public record Catalog(List<Category> categories, List<Entry> entries) {
        public Catalog {
            categories = List.copyOf(categories);
            entries = List.copyOf(entries);
        }
    }
}
