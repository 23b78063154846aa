package ir.flatrender.node.encoding;

import static java.util.Objects.requireNonNull;

/**
 * How every segment of a job is encoded, the same on every node so the segments join without
 * re-encoding.
 *
 * @param codec the ffmpeg video codec ({@code libx264})
 * @param crf the quality, used by a tier that names none of its own
 * @param pixelFormat the output pixel format ({@code yuv420p})
 * @param container the segment's muxer ({@code mpegts})
 * @param profile the codec profile ({@code high})
 */
public record EncoderProfile(
        String codec, String preset, int crf, String pixelFormat, String container, String profile) {
    public EncoderProfile {
        requireNonNull(codec, "codec is null");
        requireNonNull(preset, "preset is null");
        requireNonNull(pixelFormat, "pixelFormat is null");
        requireNonNull(container, "container is null");
        requireNonNull(profile, "profile is null");
    }
}
