package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.orchestrator.jobs.JobRow;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks an uploaded segment before its chunk counts as done: it must decode, be H.264 of
 * the job's output size, and hold exactly the chunk's frames.
 */
public final class SegmentVerifier {
    private final Ffprobe ffprobe;
    private final boolean enabled;

    public SegmentVerifier(Ffprobe ffprobe, boolean enabled) {
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.enabled = enabled;
    }

    /** Empty when the segment is good, else what is wrong with it. */
    public Optional<String> problem(Path segment, JobRow job, int expectedFrames) {
        if (!enabled) {
            return Optional.empty();
        }
        MediaInfo info;
        try {
            info = ffprobe.probe(segment, true);
        } catch (MediaException e) {
            return Optional.of("segment does not decode: " + e.getMessage());
        }
        if (info.video().isEmpty()) {
            return Optional.of("segment has no video stream");
        }
        MediaInfo.VideoStream video = info.video().get();
        if (!video.codec().equals("h264")) {
            return Optional.of("segment is " + video.codec() + ", not h264");
        }
        if (video.width() != job.outputWidth() || video.height() != job.outputHeight()) {
            return Optional.of("segment is " + video.width() + "x" + video.height() + ", not " + job.outputWidth() + "x"
                    + job.outputHeight());
        }
        if (video.frameCount() != expectedFrames) {
            return Optional.of("segment has " + video.frameCount() + " frames, not " + expectedFrames);
        }
        return Optional.empty();
    }
}
