package ir.flatrender.node.encoding;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * One file a chunk makes from its frames.
 *
 * @param tier the tier's name ({@code 720p}), which names the file at upload
 * @param width the width the frames are scaled to
 * @param height the height the frames are scaled to
 * @param crf the tier's own quality, when it has one (a small tier); else the profile's
 */
public record OutputSpec(String tier, int width, int height, SegmentFormat format, OptionalInt crf) {
    public OutputSpec {
        requireNonNull(tier, "tier is null");
        requireNonNull(format, "format is null");
        requireNonNull(crf, "crf is null");
    }

    /** The CRF to encode this output at. */
    public int crfOr(EncoderProfile profile) {
        return crf.orElse(profile.crf());
    }
}
