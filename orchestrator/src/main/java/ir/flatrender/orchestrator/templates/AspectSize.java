package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A template's native frame size in one aspect.
 *
 * @param composition the engine composition for this aspect, where the engine needs one each
 */
public record AspectSize(int width, int height, Optional<String> composition) {
    public AspectSize {
        requireNonNull(composition, "composition is null");
        if (width < 16 || height < 16 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("size out of range: " + width + "x" + height);
        }
    }
}
