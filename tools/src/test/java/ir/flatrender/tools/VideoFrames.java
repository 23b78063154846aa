package ir.flatrender.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads videos back for assertions: probe, decode to frames, compare with reference frames. */
public final class VideoFrames implements AutoCloseable {
    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final FfmpegBinaries ffmpeg = FfmpegBinaries.locate(Optional.empty(), Optional.empty());

    /** Writes a sine tone of the given length as a WAV file. */
    public Path tone(Path file, double seconds, int frequency) throws Exception {
        ProcessOutcome outcome = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg-tone",
                                ffmpeg.ffmpegCommand(List.of(
                                        "-v",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "sine=frequency=" + frequency + ":sample_rate=44100:duration=" + seconds,
                                        "-y",
                                        file.toString())),
                                file.toAbsolutePath().getParent())
                        .withEnvironment(ffmpeg.environment()))
                .await();
        if (!outcome.succeeded()) {
            throw new IOException("could not make a tone: " + outcome.describe());
        }
        return file;
    }

    public MediaInfo probe(Path video) throws Exception {
        return new Ffprobe(ffmpeg, supervisor, new ObjectMapper()).probe(video, true);
    }

    /**
     * The root-mean-square level (full scale = 1) of a file's sound from {@code from} to
     * {@code to} seconds, decoded to 48 kHz mono.
     */
    public double rms(Path media, double from, double to) throws Exception {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-pcm",
                        ffmpeg.ffmpegCommand(List.of(
                                "-v",
                                "error",
                                "-i",
                                media.toString(),
                                "-vn",
                                "-af",
                                String.format(Locale.ROOT, "atrim=start=%.3f:end=%.3f", from, to),
                                "-ac",
                                "1",
                                "-ar",
                                "48000",
                                "-f",
                                "s16le",
                                "pipe:1")),
                        media.toAbsolutePath().getParent())
                .withEnvironment(ffmpeg.environment())
                .withRawStdout();
        SupervisedProcess process = supervisor.start(spec);
        byte[] pcm;
        try (InputStream in = process.stdout()) {
            pcm = in.readAllBytes();
        }
        ProcessOutcome outcome = process.await();
        if (!outcome.succeeded() || pcm.length < 2) {
            throw new IOException("could not decode the sound: " + outcome.describe());
        }
        double sum = 0;
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            double sample = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8)) / 32768.0;
            sum += sample * sample;
        }
        return Math.sqrt(sum / (pcm.length / 2));
    }

    /**
     * Decodes every frame of the video to bgr24 bytes, converted to RGB as {@link #psnr} converts
     * it (the BT.709 matrix, accurate rounding, full chroma interpolation).
     */
    public List<byte[]> decode(Path video, int width, int height) throws Exception {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-decode",
                        ffmpeg.ffmpegCommand(List.of(
                                "-v",
                                "error",
                                "-i",
                                video.toString(),
                                "-vf",
                                "scale=in_color_matrix=bt709:in_range=tv"
                                        + ":flags=accurate_rnd+full_chroma_int+full_chroma_inp,format=bgr24",
                                "-f",
                                "rawvideo",
                                "-pix_fmt",
                                "bgr24",
                                "pipe:1")),
                        video.getParent())
                .withEnvironment(ffmpeg.environment())
                .withRawStdout();
        return rawFrames(spec, width, height);
    }

    /**
     * Frames rendered as PNG files ({@code pattern}, an image2 pattern such as
     * {@code element-%03d.png}, numbered from {@code start}), scaled to {@code width} x
     * {@code height} as the nodes' encoder scales an engine's frames to a tier (swscale's lanczos
     * with accurate rounding and full chroma interpolation) but kept in RGB, as bgr24 bytes.
     */
    public List<byte[]> scaledFrames(Path folder, String pattern, int start, int width, int height) throws Exception {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-scale",
                        ffmpeg.ffmpegCommand(List.of(
                                "-v",
                                "error",
                                "-start_number",
                                Integer.toString(start),
                                "-i",
                                folder.resolve(pattern).toString(),
                                "-vf",
                                "scale=" + width + ":" + height
                                        + ":flags=lanczos+accurate_rnd+full_chroma_int,format=bgr24",
                                "-f",
                                "rawvideo",
                                "pipe:1")),
                        folder)
                .withEnvironment(ffmpeg.environment())
                .withRawStdout();
        return rawFrames(spec, width, height);
    }

    /**
     * Encodes PNG frames ({@code pattern} from {@code start}, as {@link #scaledFrames}) in one
     * process the way a node encodes a tier's segment: scaled with the same swscale flags and
     * converted with the HD matrix to yuv420p, libx264 {@code veryfast} (the farm's default
     * encoder settings) at the tier's {@code crf}, 30 fps.
     */
    public Path encodeLikeATier(Path folder, String pattern, int start, int width, int height, int crf, Path video)
            throws Exception {
        ProcessOutcome outcome = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg-encode",
                                ffmpeg.ffmpegCommand(List.of(
                                        "-v",
                                        "error",
                                        "-framerate",
                                        "30",
                                        "-start_number",
                                        Integer.toString(start),
                                        "-i",
                                        folder.resolve(pattern).toString(),
                                        "-vf",
                                        "format=bgr24,scale=" + width + ":" + height
                                                + ":flags=lanczos+accurate_rnd+full_chroma_int"
                                                + ":out_color_matrix=bt709:out_range=tv,format=yuv420p",
                                        "-c:v",
                                        "libx264",
                                        "-preset",
                                        "veryfast",
                                        "-crf",
                                        Integer.toString(crf),
                                        "-color_primaries",
                                        "bt709",
                                        "-color_trc",
                                        "bt709",
                                        "-colorspace",
                                        "bt709",
                                        "-y",
                                        video.toString())),
                                folder)
                        .withEnvironment(ffmpeg.environment()))
                .await();
        if (!outcome.succeeded()) {
            throw new IOException("encoding failed: " + outcome.describe());
        }
        return video;
    }

    /** The bgr24 frames a process writes to its standard output, {@code width} x {@code height} each. */
    private List<byte[]> rawFrames(ProcessSpec spec, int width, int height) throws Exception {
        SupervisedProcess process = supervisor.start(spec);
        List<byte[]> frames = new ArrayList<>();
        try (InputStream in = process.stdout()) {
            while (true) {
                byte[] frame = in.readNBytes(width * height * 3);
                if (frame.length == 0) {
                    break;
                }
                if (frame.length != width * height * 3) {
                    throw new IOException("truncated frame");
                }
                frames.add(frame);
            }
        }
        ProcessOutcome outcome = process.await();
        if (!outcome.succeeded()) {
            throw new IOException(spec.name() + " failed: " + outcome.describe());
        }
        return frames;
    }

    /**
     * PSNR in RGB (averaged over R, G and B, as ffmpeg's psnr filter reports it) of every frame
     * of the video, decoded to RGB with the BT.709 matrix it is tagged with, against the
     * engine's own RGB frames given as bgr24. Comparing in YUV instead would hide what the
     * conversion to YUV loses (issue 17, case 7).
     */
    public List<Double> psnr(Path video, List<byte[]> reference, int width, int height, int fps) throws Exception {
        Path stats = Files.createTempFile(video.getParent(), "psnr", ".log");
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-psnr",
                        ffmpeg.ffmpegCommand(List.of(
                                "-v",
                                "error",
                                "-i",
                                video.toString(),
                                "-f",
                                "rawvideo",
                                "-pix_fmt",
                                "bgr24",
                                "-s:v",
                                width + "x" + height,
                                "-framerate",
                                Integer.toString(fps),
                                "-i",
                                "pipe:0",
                                "-filter_complex",
                                "[0:v]setpts=PTS-STARTPTS,scale=in_color_matrix=bt709:in_range=tv"
                                        + ":flags=accurate_rnd+full_chroma_int+full_chroma_inp,format=gbrp[a];"
                                        + "[1:v]setpts=PTS-STARTPTS,format=gbrp[b];[a][b]psnr=stats_file="
                                        + stats.getFileName(),
                                "-f",
                                "null",
                                "-")),
                        video.getParent())
                .withEnvironment(ffmpeg.environment())
                .withStdin();
        SupervisedProcess process = supervisor.start(spec);
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
            try (OutputStream stdin = process.stdin()) {
                for (byte[] frame : reference) {
                    stdin.write(frame);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ProcessOutcome outcome = process.await();
        feeding.join();
        if (!outcome.succeeded()) {
            throw new IOException("psnr failed: " + outcome.describe());
        }
        List<Double> values = new ArrayList<>();
        for (String line : Files.readAllLines(stats)) {
            for (String field : line.split(" ")) {
                if (field.startsWith("psnr_avg:")) {
                    String value = field.substring("psnr_avg:".length()).toLowerCase(Locale.ROOT);
                    values.add(value.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value));
                }
            }
        }
        return values;
    }

    /** PSNR of two bgr24 frames over all their bytes. */
    public static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            sum += d * d;
        }
        double mse = sum / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
