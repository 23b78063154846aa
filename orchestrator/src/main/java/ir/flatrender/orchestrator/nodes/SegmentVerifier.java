package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.orchestrator.jobs.Output;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks an uploaded file before its chunk counts as done: a segment must decode as H.264 of
 * its output's size holding exactly the chunk's frames; a still must be one picture of its
 * size; an audio file must hold sound.
 */
public final class SegmentVerifier {
    private final Ffprobe ffprobe;
    private final boolean enabled;

    public SegmentVerifier(Ffprobe ffprobe, boolean enabled) {
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.enabled = enabled;
    }

    /** Empty when the file is good, else what is wrong with it. */
    public Optional<String> problem(Path file, Output output, int expectedFrames) {
        if (!enabled) {
            return Optional.empty();
        }
        MediaInfo info;
        try {
            info = ffprobe.probe(file, true);
        } catch (MediaException e) {
            return Optional.of(output.tier() + " does not decode: " + e.getMessage());
        }
        if (info.video().isEmpty()) {
            return Optional.of(output.tier() + " has no picture");
        }
        MediaInfo.VideoStream video = info.video().get();
        String codec = switch (output.format()) {
            case "png" -> "png";
            case "jpeg" -> "mjpeg";
            default -> "h264";
        };
        if (!video.codec().equals(codec)) {
            return Optional.of(output.tier() + " is " + video.codec() + ", not " + codec);
        }
        if (video.width() != output.width() || video.height() != output.height()) {
            return Optional.of(output.tier() + " is " + video.width() + "x" + video.height() + ", not " + output.width()
                    + "x" + output.height());
        }
        int frames = output.still() ? 1 : expectedFrames;
        if (video.frameCount() != frames) {
            return Optional.of(output.tier() + " has " + video.frameCount() + " frames, not " + frames);
        }
        return Optional.empty();
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
