package ir.flatrender.node.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSupervisor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentEncoderTest {
    private static final EncoderProfile PROFILE =
            new EncoderProfile("libx264", "veryfast", 18, "yuv420p", "mpegts", "high");

    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final FfmpegBinaries ffmpeg = FfmpegBinaries.locate(Optional.empty(), Optional.empty());

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        supervisor.close();
    }

    private static OutputSpec output(String tier, int width, int height, String format) {
        return new OutputSpec(tier, width, height, SegmentFormat.named(format), OptionalInt.empty());
    }

    private SegmentEncoder.Settings settings(int firstFrame, Path output) {
        return settings(firstFrame, List.of(new SegmentEncoder.Target(output("90p", 160, 90, "mpegts"), output)));
    }

    private SegmentEncoder.Settings settings(int firstFrame, List<SegmentEncoder.Target> targets) {
        return new SegmentEncoder.Settings(
                PROFILE, 320, 180, targets, 30, firstFrame, directory, Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    private static void feed(SegmentEncoder encoder, int frames) throws Exception {
        BufferedImage frame = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
        for (int n = 0; n < frames; n++) {
            Graphics2D g = frame.createGraphics();
            g.setColor(new Color(n * 20, 100, 200));
            g.fillRect(0, 0, 320, 180);
            g.dispose();
            encoder.frame(frame);
        }
    }

    @Test
    void makesEveryTierAndAStillFromTheSameFrames() throws Exception {
        Path big = directory.resolve("180p.ts");
        Path small = directory.resolve("90p.ts");
        Path still = directory.resolve("still.png");
        try (SegmentEncoder encoder = SegmentEncoder.start(
                supervisor,
                ffmpeg,
                settings(
                        0,
                        List.of(
                                new SegmentEncoder.Target(output("180p", 320, 180, "mpegts"), big),
                                new SegmentEncoder.Target(output("90p", 160, 90, "mpegts"), small),
                                new SegmentEncoder.Target(output("90p", 160, 90, "png"), still))))) {
            feed(encoder, 12);
            ProcessOutcome outcome = encoder.finish();
            assertThat(outcome.succeeded()).as(outcome.describe()).isTrue();
        }
        Ffprobe probe = new Ffprobe(ffmpeg, supervisor, new ObjectMapper());
        assertThat(probe.probe(big, true).video().orElseThrow().frameCount()).isEqualTo(12);
        assertThat(probe.probe(big, true).video().orElseThrow().width()).isEqualTo(320);
        assertThat(probe.probe(small, true).video().orElseThrow().frameCount()).isEqualTo(12);
        assertThat(probe.probe(small, true).video().orElseThrow().width()).isEqualTo(160);
        MediaInfo.VideoStream png = probe.probe(still, true).video().orElseThrow();
        assertThat(png.codec()).isEqualTo("png");
        assertThat(png.width()).isEqualTo(160);
        assertThat(png.frameCount()).isEqualTo(1);
    }

    @Test
    void aTierWithItsOwnCrfIsEncodedAtIt() throws Exception {
        Path small = directory.resolve("180p.ts");
        Path big = directory.resolve("90p.ts");
        try (SegmentEncoder encoder = SegmentEncoder.start(
                supervisor,
                ffmpeg,
                settings(
                        0,
                        List.of(
                                new SegmentEncoder.Target(
                                        new OutputSpec("180p", 320, 180, SegmentFormat.VIDEO, OptionalInt.of(12)),
                                        small),
                                new SegmentEncoder.Target(output("90p", 160, 90, "mpegts"), big))))) {
            feed(encoder, 6);
            ProcessOutcome outcome = encoder.finish();
            assertThat(outcome.succeeded()).as(outcome.describe()).isTrue();
        }
        // x264 writes its options into the stream (an SEI message): the tier's CRF, else the profile's.
        assertThat(new String(Files.readAllBytes(small), StandardCharsets.ISO_8859_1))
                .contains(" crf=12.0 ")
                .doesNotContain(" crf=18.0 ");
        assertThat(new String(Files.readAllBytes(big), StandardCharsets.ISO_8859_1))
                .contains(" crf=18.0 ");
    }

    @Test
    void encodesScaledH264ThatStartsWhereTheChunkStarts() throws Exception {
        Path output = directory.resolve("segment.ts");
        try (SegmentEncoder encoder = SegmentEncoder.start(supervisor, ffmpeg, settings(60, output))) {
            feed(encoder, 12);
            ProcessOutcome outcome = encoder.finish();
            assertThat(outcome.succeeded()).as(outcome.describe()).isTrue();
        }
        MediaInfo info = new Ffprobe(ffmpeg, supervisor, new ObjectMapper()).probe(output, true);
        MediaInfo.VideoStream video = info.video().orElseThrow();
        assertThat(video.codec()).isEqualTo("h264");
        assertThat(video.width()).isEqualTo(160);
        assertThat(video.height()).isEqualTo(90);
        assertThat(video.frameCount()).isEqualTo(12);
        assertThat(info.audio()).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.DisplayName(
            "case 7: pure white is encoded as BT.709 limited-range white (Y/U/V 235/128/128) and decodes to white")
    void pureWhiteStaysWhite() throws Exception {
        Path output = directory.resolve("white.ts");
        try (SegmentEncoder encoder = SegmentEncoder.start(
                supervisor,
                ffmpeg,
                settings(0, List.of(new SegmentEncoder.Target(output("180p", 320, 180, "mpegts"), output))))) {
            BufferedImage white = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = white.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 320, 180);
            g.dispose();
            for (int n = 0; n < 4; n++) {
                encoder.frame(white);
            }
            ProcessOutcome outcome = encoder.finish();
            assertThat(outcome.succeeded()).as(outcome.describe()).isTrue();
        }
        byte[] yuv = decode(output, "yuv420p", "");
        int luma = 320 * 180;
        int chroma = luma / 4;
        assertThat(yuv.length).isEqualTo(4 * (luma + 2 * chroma));
        for (int frame = 0; frame < 4; frame++) {
            int base = frame * (luma + 2 * chroma);
            for (int i = 0; i < luma; i++) {
                assertThat(yuv[base + i] & 0xff)
                        .as("Y of frame %d at %d", frame, i)
                        .isEqualTo(235);
            }
            for (int i = luma; i < luma + 2 * chroma; i++) {
                assertThat(yuv[base + i] & 0xff)
                        .as("U/V of frame %d at %d", frame, i)
                        .isEqualTo(128);
            }
        }
        byte[] rgb =
                decode(output, "rgb24", "scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd+full_chroma_int");
        for (int i = 0; i < rgb.length; i++) {
            assertThat(rgb[i] & 0xff).as("RGB byte %d", i).isEqualTo(255);
        }
    }

    /** Decodes a video's frames to raw bytes of the pixel format, through an optional filter. */
    private byte[] decode(Path video, String pixelFormat, String filter) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-v", "error", "-i", video.toString()));
        if (!filter.isEmpty()) {
            args.addAll(List.of("-vf", filter));
        }
        args.addAll(List.of("-f", "rawvideo", "-pix_fmt", pixelFormat, "pipe:1"));
        ir.flatrender.media.process.SupervisedProcess process = supervisor.start(
                ir.flatrender.media.process.ProcessSpec.of("ffmpeg-decode", ffmpeg.ffmpegCommand(args), directory)
                        .withEnvironment(ffmpeg.environment())
                        .withRawStdout());
        byte[] bytes;
        try (java.io.InputStream in = process.stdout()) {
            bytes = in.readAllBytes();
        }
        ProcessOutcome outcome = process.await();
        assertThat(outcome.succeeded()).as(outcome.describe()).isTrue();
        return bytes;
    }

    @Test
    void theSameSettingsAlwaysGiveTheSameArguments() {
        Path output = directory.resolve("a.ts");
        List<String> first = SegmentEncoder.arguments(settings(30, output));
        assertThat(SegmentEncoder.arguments(settings(30, output))).isEqualTo(first);
        assertThat(first).containsSequence("-output_ts_offset", "1.000000");
        assertThat(first).containsSequence("-avoid_negative_ts", "disabled");
        assertThat(first).containsSequence("-c:v", "libx264");
    }
}
