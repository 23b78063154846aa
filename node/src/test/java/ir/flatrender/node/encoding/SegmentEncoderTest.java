package ir.flatrender.node.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.proto.farm.v1.EncoderProfile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentEncoderTest {
    private static final EncoderProfile PROFILE = EncoderProfile.newBuilder()
            .setCodec("libx264")
            .setPreset("veryfast")
            .setCrf(18)
            .setPixelFormat("yuv420p")
            .setContainer("mpegts")
            .setProfile("high")
            .build();

    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final FfmpegBinaries ffmpeg = FfmpegBinaries.locate(Optional.empty(), Optional.empty());

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        supervisor.close();
    }

    private SegmentEncoder.Settings settings(int firstFrame, Path output) {
        return new SegmentEncoder.Settings(
                PROFILE, 320, 180, 160, 90, 30, firstFrame, output, Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    @Test
    void encodesScaledH264ThatStartsWhereTheChunkStarts() throws Exception {
        Path output = directory.resolve("segment.ts");
        try (SegmentEncoder encoder = SegmentEncoder.start(supervisor, ffmpeg, settings(60, output))) {
            BufferedImage frame = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
            for (int n = 0; n < 12; n++) {
                Graphics2D g = frame.createGraphics();
                g.setColor(new Color(n * 20, 100, 200));
                g.fillRect(0, 0, 320, 180);
                g.dispose();
                encoder.frame(frame);
            }
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
    void theSameSettingsAlwaysGiveTheSameArguments() {
        Path output = directory.resolve("a.ts");
        List<String> first = SegmentEncoder.arguments(settings(30, output));
        assertThat(SegmentEncoder.arguments(settings(30, output))).isEqualTo(first);
        assertThat(first).containsSequence("-output_ts_offset", "1.000000");
        assertThat(first).containsSequence("-avoid_negative_ts", "disabled");
        assertThat(first).containsSequence("-c:v", "libx264");
    }
}
