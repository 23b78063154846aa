package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.ffmpeg.SegmentInspection;
import ir.flatrender.orchestrator.jobs.Output;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks an uploaded file before its chunk counts as done. A segment must be H.264 of its
 * output's size, hold exactly the chunk's frames (one packet each) one frame apart starting at
 * the chunk's place in the video, and be tagged BT.709 limited range (the export is copied from
 * the segments, so what is accepted here is what a viewer gets): all read from its packets,
 * without decoding. That it decodes without a single decoder error is checked after it was
 * accepted and before it is joined ({@link #decodeProblem}, {@link SegmentDecodes}). A still
 * must be one picture of its size; an audio file must hold sound. The rules are the node
 * contract's (proto {@code SegmentHeader}, docs/NODE-CONTRACT.md).
 */
public final class SegmentVerifier {
    /**
     * Where frame 0 sits in an MPEG-TS segment, in seconds: ffmpeg's MPEG-TS muxer starts its
     * timestamps 1.4 s in, and a segment made with {@code -output_ts_offset f/fps} puts frame
     * {@code f} at {@code 1.4 + f/fps}.
     */
    public static final double MPEG_TS_BASE_SECONDS = 1.4;

    private final Ffprobe ffprobe;
    private final boolean enabled;

    public SegmentVerifier(Ffprobe ffprobe, boolean enabled) {
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.enabled = enabled;
    }

    /**
     * Empty when the file is good, else what is wrong with it.
     *
     * @param firstFrame the chunk's first frame
     * @param expectedFrames the chunk's number of frames
     * @param fps the job's frame rate
     */
    public Optional<String> problem(Path file, Output output, int firstFrame, int expectedFrames, int fps) {
        if (!enabled) {
            return Optional.empty();
        }
        if (output.still()) {
            return stillProblem(file, output);
        }
        SegmentInspection inspection;
        try {
            inspection = ffprobe.inspectSegment(file, Ffprobe.FrameCount.PACKETS);
        } catch (MediaException e) {
            return Optional.of(output.tier() + " cannot be read: " + e.getMessage());
        }
        return pictureProblem(inspection.info(), output, "h264", expectedFrames)
                .or(() -> timingProblem(inspection.packetTimes(), output, firstFrame, expectedFrames, fps))
                .or(() -> colourProblem(inspection.colour(), output));
    }

    /**
     * Empty when an accepted video segment decodes, every one of its frames, without a decoder
     * error; else what the decoder said. ffprobe counts a frame decoded with errors (a smeared
     * macroblock) like any other, so the count alone does not show damage.
     */
    public Optional<String> decodeProblem(Path file, Output output, int expectedFrames) {
        if (!enabled || output.still()) {
            return Optional.empty();
        }
        SegmentInspection inspection;
        try {
            inspection = ffprobe.inspectSegment(file, Ffprobe.FrameCount.DECODED);
        } catch (MediaException e) {
            return Optional.of(output.tier() + " does not decode: " + e.getMessage());
        }
        if (!inspection.decoderErrors().isEmpty()) {
            List<String> errors = inspection.decoderErrors();
            return Optional.of(output.tier() + " does not decode cleanly (" + errors.size() + " decoder error"
                    + (errors.size() == 1 ? "" : "s") + ", first: "
                    + errors.get(0).replaceAll(" @ 0x[0-9a-f]+", "").strip() + ")");
        }
        return pictureProblem(inspection.info(), output, "h264", expectedFrames)
                .map(problem -> problem + " when decoded");
    }

    /** Whether files are checked at all (off only for synthetic benchmark segments). */
    public boolean enabled() {
        return enabled;
    }

    private Optional<String> stillProblem(Path file, Output output) {
        try {
            String codec = output.format().equals("png") ? "png" : "mjpeg";
            return pictureProblem(ffprobe.probe(file, true), output, codec, 1);
        } catch (MediaException e) {
            return Optional.of(output.tier() + " does not decode: " + e.getMessage());
        }
    }

    private static Optional<String> pictureProblem(MediaInfo info, Output output, String codec, int frames) {
        if (info.video().isEmpty()) {
            return Optional.of(output.tier() + " has no picture");
        }
        MediaInfo.VideoStream video = info.video().get();
        if (!video.codec().equals(codec)) {
            return Optional.of(output.tier() + " is " + video.codec() + ", not " + codec);
        }
        if (video.width() != output.width() || video.height() != output.height()) {
            return Optional.of(output.tier() + " is " + video.width() + "x" + video.height() + ", not " + output.width()
                    + "x" + output.height());
        }
        if (video.frameCount() != frames) {
            return Optional.of(output.tier() + " has " + video.frameCount() + " frames, not " + frames);
        }
        return Optional.empty();
    }

    /**
     * The first and last presentation times against the chunk's place: frame {@code f} at
     * {@link #MPEG_TS_BASE_SECONDS} + f / fps, within half a frame, every frame one frame
     * after the one before. Pure, so the rule is tested without video.
     */
    static Optional<String> timingProblem(
            List<Double> packetTimes, Output output, int firstFrame, int frames, int fps) {
        List<Double> sorted = packetTimes.stream().sorted().toList();
        if (sorted.size() != frames) {
            return Optional.of(output.tier() + " has " + sorted.size() + " timed frames, not " + frames);
        }
        double tolerance = 0.5 / fps;
        double first = MPEG_TS_BASE_SECONDS + firstFrame / (double) fps;
        double last = MPEG_TS_BASE_SECONDS + (firstFrame + frames - 1) / (double) fps;
        if (Math.abs(sorted.get(0) - first) > tolerance || Math.abs(sorted.get(frames - 1) - last) > tolerance) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "%s runs from %.3f s to %.3f s; frames %d-%d at %d fps belong at %.3f s to %.3f s"
                            + " (1.4 s + frame / fps: -output_ts_offset %.6f -avoid_negative_ts disabled)",
                    output.tier(),
                    sorted.get(0),
                    sorted.get(frames - 1),
                    firstFrame,
                    firstFrame + frames - 1,
                    fps,
                    first,
                    last,
                    firstFrame / (double) fps));
        }
        for (int i = 1; i < frames; i++) {
            if (Math.abs(sorted.get(i) - sorted.get(i - 1) - 1.0 / fps) > tolerance) {
                return Optional.of(String.format(
                        Locale.ROOT,
                        "%s: frame %d sits at %.3f s, %.3f s after the one before; frames are 1/%d s apart",
                        output.tier(),
                        firstFrame + i,
                        sorted.get(i),
                        sorted.get(i) - sorted.get(i - 1),
                        fps));
            }
        }
        return Optional.empty();
    }

    /** The export is BT.709 limited range, tagged: a segment must say so too. */
    static Optional<String> colourProblem(SegmentInspection.Colour colour, Output output) {
        SegmentInspection.Colour wanted = SegmentInspection.Colour.BT709_LIMITED;
        if (colour.equals(wanted)) {
            return Optional.empty();
        }
        return Optional.of(output.tier() + " is tagged colorspace=" + tag(colour.space()) + " color_range="
                + tag(colour.range()) + " color_primaries=" + tag(colour.primaries()) + " color_trc="
                + tag(colour.transfer()) + "; segments must be BT.709 limited range, tagged (-colorspace bt709"
                + " -color_primaries bt709 -color_trc bt709 -color_range tv)");
    }

    private static String tag(String value) {
        return value.isEmpty() ? "(untagged)" : value;
    }

    /** Empty when the file holds sound, else what is wrong with it. */
    public Optional<String> audioProblem(Path file) {
        if (!enabled) {
            return Optional.empty();
        }
        try {
            return ffprobe.probe(file, false).audio().isPresent()
                    ? Optional.empty()
                    : Optional.of("the audio file has no sound stream");
        } catch (MediaException e) {
            return Optional.of("the audio file does not decode: " + e.getMessage());
        }
    }
}
