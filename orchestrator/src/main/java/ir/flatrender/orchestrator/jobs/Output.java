package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

/**
 * One picture a job makes: a tier's video, or a still.
 *
 * @param format {@code mpegts} for video segments, {@code png} or {@code jpeg} for stills
 * @param crf the CRF this tier's video is encoded at ({@link Tiers#crf}); null for stills and
 *     for jobs stored before tiers had their own, whose segments use the job's encoder CRF
 */
public record Output(String tier, int width, int height, String format, Integer crf) {
    public Output {
        requireNonNull(tier, "tier is null");
        requireNonNull(format, "format is null");
        if (crf != null && (crf < 0 || crf > 51)) {
            throw new IllegalArgumentException("crf must be between 0 and 51 but was " + crf);
        }
    }

    /** Whether it is a still picture rather than video (named so Jackson does not store it). */
    public boolean still() {
        return !format.equals("mpegts");
    }
}
