package ir.flatrender.node.engines.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The orchestrator's bundled sample template, read from the source tree for the engine's tests. */
final class SampleSpec {
    static final Path DIRECTORY =
            Path.of("../orchestrator/src/main/resources/ir/flatrender/orchestrator/samples/sample-promo");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleSpec() {}

    static JsonNode manifest() {
        try (InputStream in = Files.newInputStream(DIRECTORY.resolve("template.json"))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The defaults of the sample's bindings, as the orchestrator would fill them in. */
    static ObjectNode bindings() {
        ObjectNode bindings = JSON.createObjectNode();
        for (JsonNode field : manifest().path("bindings")) {
            bindings.set(field.path("name").asText(), field.path("default"));
        }
        return bindings;
    }

    static TimelineScene scene(ObjectNode bindings, String aspect, int width, int height) {
        return new TimelineRenderer(TimelineFonts.loadBundled())
                .prepare(
                        manifest().path("spec"),
                        bindings,
                        aspect,
                        width,
                        height,
                        30,
                        name -> Files.readAllBytes(DIRECTORY.resolve(name)));
    }
}
