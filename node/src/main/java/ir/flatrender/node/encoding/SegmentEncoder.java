package ir.flatrender.node.encoding;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.node.engines.FrameSink;
import ir.flatrender.proto.farm.v1.EncoderProfile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ffmpeg that turns raw frames on its standard input into a video-only segment, already
 * scaled to the output size. Every segment of a job uses the same settings and starts on a
 * keyframe (each is its own encode), and its timestamps start at the chunk's place in the
 * video, so the segments join back to back without re-encoding.
 */
public final class SegmentEncoder implements FrameSink, AutoCloseable {
    private final SupervisedProcess process;
    private final OutputStream stdin;
    private final int width;
    private final int height;
    private int frames;

    private SegmentEncoder(SupervisedProcess process, int width, int height) {
        this.process = process;
        this.stdin = new BufferedOutputStream(process.stdin(), 1 << 20);
        this.width = width;
        this.height = height;
    }

    /** What to encode and where. */
    public record Settings(
            EncoderProfile profile,
            int renderWidth,
            int renderHeight,
            int outputWidth,
            int outputHeight,
            int fps,
            int firstFrame,
            Path output,
            Duration deadline,
            Duration noProgressTimeout) {
        public Settings {
            requireNonNull(profile, "profile is null");
            requireNonNull(output, "output is null");
            requireNonNull(deadline, "deadline is null");
            requireNonNull(noProgressTimeout, "noProgressTimeout is null");
        }
    }

    public static SegmentEncoder start(ProcessSupervisor supervisor, FfmpegBinaries ffmpeg, Settings settings)
            throws IOException {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-encode",
                        ffmpeg.ffmpegCommand(arguments(settings)),
                        settings.output().getParent())
                .withEnvironment(ffmpeg.environment())
                .withStdin()
                // Progress is each frame written, not ffmpeg's output, which is quiet.
                .withLimits(settings.deadline(), settings.noProgressTimeout(), false);
        return new SegmentEncoder(supervisor.start(spec), settings.renderWidth(), settings.renderHeight());
    }

    /** The ffmpeg arguments for a segment; the same settings always give the same list. */
    public static List<String> arguments(Settings settings) {
        EncoderProfile profile = settings.profile();
        List<String> args = new ArrayList<>(List.of(
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostats",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "bgr24",
                "-s:v",
                settings.renderWidth() + "x" + settings.renderHeight(),
                "-framerate",
                Integer.toString(settings.fps()),
                "-i",
                "pipe:0",
                // Scale (aspect kept: the sizes share an aspect) and convert with the HD matrix,
                // tagged as such, so players show the colours the engine drew.
                "-vf",
                "scale=" + settings.outputWidth() + ":" + settings.outputHeight()
                        + ":flags=lanczos:out_color_matrix=bt709:out_range=tv,format=" + profile.getPixelFormat(),
                "-c:v",
                profile.getCodec(),
                "-preset",
                profile.getPreset(),
                "-crf",
                Integer.toString(profile.getCrf()),
                "-profile:v",
                profile.getProfile(),
                "-pix_fmt",
                profile.getPixelFormat(),
                "-colorspace",
                "bt709",
                "-color_primaries",
                "bt709",
                "-color_trc",
                "bt709",
                "-color_range",
                "tv",
                "-an",
                // Timestamps continue where the previous chunk ends. The muxer must not shift
                // them to keep B-frame decode times positive: it would do so for the first
                // segment only, and the seams would be off by the B-frame delay.
                "-avoid_negative_ts",
                "disabled",
                "-output_ts_offset",
                String.format(Locale.ROOT, "%.6f", settings.firstFrame() / (double) settings.fps()),
                "-f",
                profile.getContainer(),
                "-y",
                settings.output().toString()));
        return List.copyOf(args);
    }

    @Override
    public void frame(BufferedImage frame) throws IOException {
        if (frame.getType() != BufferedImage.TYPE_3BYTE_BGR
                || frame.getWidth() != width
                || frame.getHeight() != height) {
            throw new IllegalArgumentException("frames must be " + width + "x" + height + " TYPE_3BYTE_BGR");
        }
        byte[] pixels = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        stdin.write(pixels);
        frames++;
        process.reportProgress();
    }

    public int framesWritten() {
        return frames;
    }

    /** Ends the input and waits for ffmpeg to write the segment. */
    public ProcessOutcome finish() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // ffmpeg already exited; its outcome says why.
        }
        return process.await();
    }

    public void kill(String reason) {
        process.kill(reason);
    }

    public List<String> logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.kill("encoder closed before it finished");
        }
    }
}
