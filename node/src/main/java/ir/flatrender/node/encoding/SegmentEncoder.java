package ir.flatrender.node.encoding;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.node.engines.FrameSink;
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
 * One ffmpeg that turns raw frames on its standard input into a video-only segment for each
 * output tier (or a still), already scaled. Every segment of a job uses the same settings and
 * starts on a keyframe (each is its own encode), and its timestamps start at the chunk's place
 * in the video, so the segments join back to back without re-encoding.
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

    /** One file to make from the frames: a segment at a tier, or a still. */
    public record Target(OutputSpec output, Path file) {
        public Target {
            requireNonNull(output, "output is null");
            requireNonNull(file, "file is null");
        }
    }

    /** What to encode and where. */
    public record Settings(
            EncoderProfile profile,
            int renderWidth,
            int renderHeight,
            List<Target> targets,
            int fps,
            int firstFrame,
            Path workDirectory,
            Duration deadline,
            Duration noProgressTimeout) {
        public Settings {
            requireNonNull(profile, "profile is null");
            targets = List.copyOf(requireNonNull(targets, "targets is null"));
            requireNonNull(workDirectory, "workDirectory is null");
            requireNonNull(deadline, "deadline is null");
            requireNonNull(noProgressTimeout, "noProgressTimeout is null");
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("nothing to encode to");
            }
        }
    }

    public static SegmentEncoder start(ProcessSupervisor supervisor, FfmpegBinaries ffmpeg, Settings settings)
            throws IOException {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-encode", ffmpeg.ffmpegCommand(arguments(settings)), settings.workDirectory())
                .withEnvironment(ffmpeg.environment())
                .withStdin()
                // Progress is each frame written, not ffmpeg's output, which is quiet.
                .withLimits(settings.deadline(), settings.noProgressTimeout(), false);
        return new SegmentEncoder(supervisor.start(spec), settings.renderWidth(), settings.renderHeight());
    }

    /**
     * The ffmpeg arguments; the same settings always give the same list. The frames are read
     * once and split to every target: each segment is scaled (aspect kept, as the sizes share
     * it) and converted with the HD matrix, tagged as such, so players show the colours the
     * engine drew; a still is scaled only.
     */
    /**
     * swscale's flags for every conversion. Without accurate rounding and full chroma
     * interpolation its fast RGB to YUV path is off by one (pure white becomes Y/U/V 234/127/127
     * and decodes with a green tint) and farm frames scored about 39.7 dB against Remotion's own
     * RGB frames; with them, min 45 / mean 51 dB, on a par with Remotion's own MP4.
     */
    static final String SCALE_FLAGS = "lanczos+accurate_rnd+full_chroma_int";

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
                "pipe:0"));
        List<Target> targets = settings.targets();
        StringBuilder graph = new StringBuilder("[0:v]split=" + targets.size());
        for (int i = 0; i < targets.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        graph.append(';');
        for (int i = 0; i < targets.size(); i++) {
            OutputSpec output = targets.get(i).output();
            String size = output.width() + ":" + output.height();
            String filters = switch (output.format()) {
                case PNG -> "scale=" + size + ":flags=" + SCALE_FLAGS + ",format=rgb24";
                case JPEG -> "scale=" + size + ":flags=" + SCALE_FLAGS + ",format=yuvj420p";
                case VIDEO ->
                    "scale=" + size + ":flags=" + SCALE_FLAGS + ":out_color_matrix=bt709:out_range=tv,format="
                            + profile.pixelFormat();
            };
            graph.append("[s")
                    .append(i)
                    .append(']')
                    .append(filters)
                    .append("[o")
                    .append(i)
                    .append(']');
            if (i < targets.size() - 1) {
                graph.append(';');
            }
        }
        args.addAll(List.of("-filter_complex", graph.toString()));
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            args.addAll(List.of("-map", "[o" + i + "]"));
            switch (target.output().format()) {
                case PNG -> args.addAll(List.of("-frames:v", "1", "-c:v", "png", "-f", "image2", "-update", "1"));
                case JPEG ->
                    args.addAll(
                            List.of("-frames:v", "1", "-c:v", "mjpeg", "-q:v", "2", "-f", "image2", "-update", "1"));
                case VIDEO ->
                    args.addAll(List.of(
                            "-c:v",
                            profile.codec(),
                            "-preset",
                            profile.preset(),
                            "-crf",
                            Integer.toString(target.output().crfOr(profile)),
                            "-profile:v",
                            profile.profile(),
                            "-pix_fmt",
                            profile.pixelFormat(),
                            "-colorspace",
                            "bt709",
                            "-color_primaries",
                            "bt709",
                            "-color_trc",
                            "bt709",
                            "-color_range",
                            "tv",
                            "-an",
                            // Timestamps continue where the previous chunk ends. The muxer must not
                            // shift them to keep B-frame decode times positive: it would do so for
                            // the first segment only, and the seams would be off by the B-frame delay.
                            "-avoid_negative_ts",
                            "disabled",
                            "-output_ts_offset",
                            String.format(Locale.ROOT, "%.6f", settings.firstFrame() / (double) settings.fps()),
                            "-f",
                            profile.container()));
            }
            args.addAll(List.of("-y", target.file().toString()));
        }
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
