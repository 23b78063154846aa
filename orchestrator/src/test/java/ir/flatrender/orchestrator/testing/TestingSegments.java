package ir.flatrender.orchestrator.testing;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Real H.264 MPEG-TS segments made by ffmpeg, as a node following the contract makes them, or not. */
public final class TestingSegments {
    private static final int TS_PACKET = 188;
    private static final int VIDEO_PID = 0x100;

    /** The tags the contract asks for. */
    public static final List<String> BT709_LIMITED =
            List.of("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv");
    /** No colour tags at all. */
    public static final List<String> UNTAGGED = List.of();

    private TestingSegments() {}

    /**
     * A segment of {@code frames} frames of a moving test picture, 640x360, placed at
     * {@code placeAtFrame}: ffmpeg's MPEG-TS base (1.4 s) plus {@code placeAtFrame / fps}.
     *
     * @param colourTags ffmpeg's colour tag options: {@link #BT709_LIMITED} as the contract asks,
     *     {@link #UNTAGGED}, or others
     */
    public static byte[] segment(Path file, int frames, int fps, int placeAtFrame, List<String> colourTags)
            throws Exception {
        List<String> arguments = new ArrayList<>(List.of(
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=s=640x360:r=" + fps,
                "-frames:v",
                Integer.toString(frames),
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p"));
        arguments.addAll(colourTags);
        arguments.addAll(List.of(
                "-avoid_negative_ts",
                "disabled",
                "-output_ts_offset",
                String.format(Locale.ROOT, "%.6f", placeAtFrame / (double) fps),
                "-f",
                "mpegts",
                "-y",
                file.toString()));
        FfmpegBinaries ffmpeg = FfmpegBinaries.locate(Optional.empty(), Optional.empty());
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2))) {
            ProcessOutcome outcome = supervisor
                    .start(ProcessSpec.of("ffmpeg-segment", ffmpeg.ffmpegCommand(arguments), file.getParent())
                            .withEnvironment(ffmpeg.environment()))
                    .await();
            if (!outcome.succeeded()) {
                throw new AssertionError("ffmpeg could not make a test segment: " + outcome.describe());
            }
        }
        return Files.readAllBytes(file);
    }

    /**
     * The segment with 8 bytes flipped in 6 of its video packets in the middle (payload-only
     * packets, so the container and the frame count stay intact and only the picture is
     * damaged).
     */
    public static byte[] lightlyCorrupted(byte[] segment) {
        byte[] damaged = segment.clone();
        List<Integer> payloadOnly = new ArrayList<>();
        for (int p = 0; p + TS_PACKET <= damaged.length; p += TS_PACKET) {
            int pid = (damaged[p + 1] & 0x1f) << 8 | (damaged[p + 2] & 0xff);
            boolean unitStart = (damaged[p + 1] & 0x40) != 0;
            boolean adaptation = (damaged[p + 3] & 0x20) != 0;
            if (pid == VIDEO_PID && !unitStart && !adaptation) {
                payloadOnly.add(p);
            }
        }
        List<Integer> chosen = payloadOnly.subList(payloadOnly.size() / 2, payloadOnly.size() / 2 + 6);
        for (int i = 0; i < 8; i++) {
            damaged[chosen.get(i % 6) + 20 + 40 * (i / 6)] ^= (byte) 0xff;
        }
        return damaged;
    }
}
