package ir.flatrender.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfprobeTest {
    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final FfmpegBinaries binaries = FfmpegBinaries.locate(Optional.empty(), Optional.empty());
    private final Ffprobe ffprobe = new Ffprobe(binaries, supervisor, new ObjectMapper());

    @TempDir
    Path work;

    @AfterEach
    void close() {
        supervisor.close();
    }

    @Test
    void bundledFfmpegEncodesH264AndFfprobeCountsTheFrames() throws Exception {
        Path video = work.resolve("test.mp4");
        ProcessOutcome encode = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg",
                                binaries.ffmpegCommand(List.of(
                                        "-v",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "testsrc2=size=320x240:rate=25",
                                        "-frames:v",
                                        "50",
                                        "-c:v",
                                        "libx264",
                                        "-pix_fmt",
                                        "yuv420p",
                                        video.toString())),
                                work)
                        .withEnvironment(binaries.environment()))
                .await();
        assertThat(encode.succeeded()).as(encode.describe()).isTrue();

        MediaInfo info = ffprobe.probe(video, true);

        assertThat(info.video()).isPresent();
        MediaInfo.VideoStream stream = info.video().orElseThrow();
        assertThat(stream.codec()).isEqualTo("h264");
        assertThat(stream.width()).isEqualTo(320);
        assertThat(stream.height()).isEqualTo(240);
        assertThat(stream.frameCount()).isEqualTo(50);
        assertThat(info.durationMillis()).isEqualTo(2000);
        assertThat(info.audio()).isEmpty();
    }

    @Test
    void anMpegTsSegmentHasNoCountInItsHeaderAndItsPacketsCountItsFrames() throws Exception {
        Path segment = work.resolve("test.ts");
        ProcessOutcome encode = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg",
                                binaries.ffmpegCommand(List.of(
                                        "-v",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "testsrc2=size=320x240:rate=25",
                                        "-frames:v",
                                        "37",
                                        "-c:v",
                                        "libx264",
                                        "-pix_fmt",
                                        "yuv420p",
                                        "-f",
                                        "mpegts",
                                        segment.toString())),
                                work)
                        .withEnvironment(binaries.environment()))
                .await();
        assertThat(encode.succeeded()).as(encode.describe()).isTrue();

        assertThat(ffprobe.probe(segment, Ffprobe.FrameCount.HEADER)
                        .video()
                        .orElseThrow()
                        .frameCount())
                .isEqualTo(-1);
        assertThat(ffprobe.probe(segment, Ffprobe.FrameCount.PACKETS)
                        .video()
                        .orElseThrow()
                        .frameCount())
                .isEqualTo(37);
        assertThat(ffprobe.probe(segment, Ffprobe.FrameCount.DECODED)
                        .video()
                        .orElseThrow()
                        .frameCount())
                .isEqualTo(37);
    }

    @Test
    void oneProbeReadsTheStreamsAndOnlyTheVideoPacketsTimes() throws Exception {
        Path video = work.resolve("sound-first.mp4");
        // The sound mapped first, so the picture is not stream 0 and its packets are interleaved.
        ProcessOutcome encode = supervisor
                .start(ProcessSpec.of(
                                "ffmpeg",
                                binaries.ffmpegCommand(List.of(
                                        "-v",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "testsrc2=size=320x240:rate=25",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "sine=frequency=440:sample_rate=48000",
                                        "-map",
                                        "1:a",
                                        "-map",
                                        "0:v",
                                        "-frames:v",
                                        "30",
                                        "-t",
                                        "1.2",
                                        "-c:v",
                                        "libx264",
                                        "-bf",
                                        "0",
                                        "-pix_fmt",
                                        "yuv420p",
                                        "-c:a",
                                        "aac",
                                        video.toString())),
                                work)
                        .withEnvironment(binaries.environment()))
                .await();
        assertThat(encode.succeeded()).as(encode.describe()).isTrue();

        Ffprobe.ProbedVideo probed = ffprobe.probeWithVideoPacketTimes(video);

        MediaInfo.VideoStream stream = probed.info().video().orElseThrow();
        assertThat(stream.frameCount()).isEqualTo(30);
        assertThat(stream.width()).isEqualTo(320);
        assertThat(probed.info().audio()).isPresent();
        assertThat(probed.videoPacketTimes()).hasSize(30);
        for (int frame = 0; frame < 30; frame++) {
            assertThat(probed.videoPacketTimes().get(frame))
                    .as("frame %d", frame)
                    .isCloseTo(frame / 25.0, org.assertj.core.data.Offset.offset(0.001));
        }
    }

    @Test
    void aFileThatIsNotMediaIsReportedWithFfprobesOwnWords() throws Exception {
        Path junk = Files.writeString(work.resolve("junk.mp4"), "not a video");
        assertThatThrownBy(() -> ffprobe.probe(junk, false))
                .isInstanceOf(MediaException.class)
                .hasMessageContaining("junk.mp4");
    }

    @Test
    void aConfiguredFfmpegThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> FfmpegBinaries.locate(Optional.of(work.resolve("ffmpeg")), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ffmpeg not found at " + work.resolve("ffmpeg"));
    }
}
