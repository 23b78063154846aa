package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

/**
 * How every segment of a job is encoded; stored with the job so that all its segments match
 * even if the orchestrator's defaults change while it runs.
 */
public record EncoderSettings(
        String codec, String preset, int crf, String pixelFormat, String container, String profile) {
    public static final EncoderSettings DEFAULT =
            new EncoderSettings("libx264", "veryfast", 18, "yuv420p", "mpegts", "high");

    public EncoderSettings {
        requireNonNull(codec, "codec is null");
        requireNonNull(preset, "preset is null");
        requireNonNull(pixelFormat, "pixelFormat is null");
        requireNonNull(container, "container is null");
        requireNonNull(profile, "profile is null");
        if (crf < 0 || crf > 51) {
            throw new IllegalArgumentException("crf must be between 0 and 51 but was " + crf);
        }
    }
}
