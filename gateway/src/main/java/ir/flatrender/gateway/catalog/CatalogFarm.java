package ir.flatrender.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the catalog routes need of the farm, in the gateway's terms: the catalog as one tenant
 * sees it (the shared tenant's templates and its own), and a media blob's bytes. The farm's
 * refusals arrive as {@link ir.flatrender.gateway.http.Problem}s.
 */
public interface CatalogFarm {
    record Category(String id, String nameFa, String nameEn, int position) {}

    record Aspect(String aspect, int width, int height) {}

    record Field(
            String name,
            String type,
            String labelFa,
            String labelEn,
            boolean required,
            Optional<Integer> minLength,
            Optional<Integer> maxLength,
            Optional<Double> min,
            Optional<Double> max,
            Optional<JsonNode> defaultFa,
            Optional<JsonNode> defaultEn,
            List<String> palette) {
        public Field {
            palette = List.copyOf(palette);
        }
    }

    record Scene(int position, String nameFa, String nameEn, int startFrame, int durationFrames, List<Field> fields) {
        public Scene {
            fields = List.copyOf(fields);
        }
    }

    record Preset(String nameFa, String nameEn, Map<String, String> colors) {
        public Preset {
            colors = Map.copyOf(colors);
        }
    }

    /** A cover ({@code kind} "cover", one per aspect) or the preview ("preview"). */
    record Media(
            String kind,
            String aspect,
            int templateVersion,
            String sha256,
            String contentType,
            long sizeBytes,
            int width,
            int height,
            long durationMillis,
            int frameCount) {}

    record Template(
            String id,
            int version,
            UUID tenantId,
            String categoryId,
            String nameFa,
            String nameEn,
            String descriptionFa,
            String descriptionEn,
            List<String> tagsFa,
            List<String> tagsEn,
            String engine,
            int fps,
            int durationFrames,
            List<Aspect> aspects,
            List<Scene> scenes,
            List<Preset> presets,
            List<Media> media) {
        public Template {
            requireNonNull(id, "id is null");
            tagsFa = List.copyOf(tagsFa);
            tagsEn = List.copyOf(tagsEn);
            aspects = List.copyOf(aspects);
            scenes = List.copyOf(scenes);
            presets = List.copyOf(presets);
            media = List.copyOf(media);
        }

        public Optional<Media> cover(String aspect) {
            return media.stream()
                    .filter(m -> m.kind().equals("cover") && m.aspect().equals(aspect))
                    .findFirst();
        }

        public Optional<Media> preview() {
            return media.stream().filter(m -> m.kind().equals("preview")).findFirst();
        }
    }

    record Catalog(List<Category> categories, List<Template> templates) {
        public Catalog {
            categories = List.copyOf(categories);
            templates = List.copyOf(templates);
        }
    }

    /** The catalog {@code tenant} sees. */
    Catalog catalog(UUID tenant);

    /** Writes {@code length} bytes (0: to the end) of a media blob from {@code offset} to {@code out}, as they arrive. */
    void media(UUID tenant, String sha256, long offset, long length, OutputStream out) throws IOException;
}
