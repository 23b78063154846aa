package ir.flatrender.media.ffmpeg;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A video segment decoded once by ffprobe.
 *
 * @param info the container and its first video stream, frames counted by decoding
 * @param colour the first video stream's colour tags, empty strings where untagged
 * @param packetTimes the video packets' presentation times in seconds, in file order
 * @param decoderErrors what the decoder printed at error level, e.g. {@code error while
 *     decoding MB 30 17}; empty for a clean decode
 */
public record SegmentInspection(MediaInfo info, Colour colour, List<Double> packetTimes, List<String> decoderErrors) {
    public SegmentInspection {
        requireNonNull(info, "info is null");
        requireNonNull(colour, "colour is null");
        packetTimes = List.copyOf(requireNonNull(packetTimes, "packetTimes is null"));
        decoderErrors = List.copyOf(requireNonNull(decoderErrors, "decoderErrors is null"));
    }

    /**
     * Colour tags as ffprobe names them.
     *
     * @param space the matrix, e.g. {@code bt709}
     * @param range {@code tv} (limited) or {@code pc} (full)
     * @param primaries e.g. {@code bt709}
     * @param transfer e.g. {@code bt709}
     */
    public record Colour(String space, String range, String primaries, String transfer) {
        public Colour {
            requireNonNull(space, "space is null");
            requireNonNull(range, "range is null");
            requireNonNull(primaries, "primaries is null");
            requireNonNull(transfer, "transfer is null");
        }

        /** The tags of the farm's exports: BT.709 matrix, primaries and transfer, limited range. */
        public static final Colour BT709_LIMITED = new Colour("bt709", "tv", "bt709", "bt709");
    }
}
