package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

/**
 * A sound mixed into a job's video at assembly.
 *
 * @param role {@code music}, {@code voiceover}, {@code sfx}, or {@code template} for the
 *     template's own sound
 * @param source a file of the template package, or a data: URI
 * @param volume 0 silences it, 1 leaves it as it is
 * @param startSeconds where in the video it starts
 */
public record AudioTrackSpec(String role, String source, double volume, double startSeconds) {
    public AudioTrackSpec {
        requireNonNull(role, "role is null");
        requireNonNull(source, "source is null");
    }
}
