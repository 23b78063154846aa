package ir.flatrender.node.engines;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * What an engine renders for one chunk attempt.
 *
 * @param packageDirectory the extracted template package
 * @param manifest the package's {@code template.json}
 * @param composition the engine composition, or empty
 * @param firstFrame the first frame to render (inclusive)
 * @param lastFrame the last frame to render (inclusive)
 * @param width the width to render at
 * @param height the height to render at
 * @param bindings the complete, validated bindings
 */
public record EngineRequest(
        String jobId,
        String chunkId,
        long attempt,
        Path packageDirectory,
        JsonNode manifest,
        String composition,
        String aspect,
        int firstFrame,
        int lastFrame,
        int fps,
        int width,
        int height,
        ObjectNode bindings) {
    public EngineRequest {
        requireNonNull(jobId, "jobId is null");
        requireNonNull(chunkId, "chunkId is null");
        requireNonNull(packageDirectory, "packageDirectory is null");
        requireNonNull(manifest, "manifest is null");
        requireNonNull(composition, "composition is null");
        requireNonNull(aspect, "aspect is null");
        requireNonNull(bindings, "bindings is null");
        if (firstFrame < 0 || lastFrame < firstFrame) {
            throw new IllegalArgumentException("bad frame range " + firstFrame + "-" + lastFrame);
        }
    }

    public int frameCount() {
        return lastFrame - firstFrame + 1;
    }
}
