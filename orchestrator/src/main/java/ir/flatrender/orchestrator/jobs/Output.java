package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

/**
 * One picture a job makes: a tier's video, or a still.
 *
 * @param format {@code mpegts} for video segments, {@code png} or {@code jpeg} for stills
 */
public record Output(String tier, int width, int height, String format) {
    public Output {
        requireNonNull(tier, "tier is null");
        requireNonNull(format, "format is null");
    }

    /** Whether it is a still picture rather than video (named so Jackson does not store it). */
    public boolean still() {
        return !format.equals("mpegts");
    }
}
