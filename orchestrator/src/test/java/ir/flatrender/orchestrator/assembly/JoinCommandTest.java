package ir.flatrender.orchestrator.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinCommandTest {
    private static final Path VIDEO = Path.of("/scratch/job/720p.mp4");

    @Test
    void withoutSoundThePictureIsCopiedAndNoAudioStreamIsMade() {
        List<String> args = JoinCommand.arguments(List.of(), 5.0, VIDEO);

        assertThat(args).containsSubsequence("-f", "mpegts", "-i", "pipe:0", "-map", "0:v:0", "-c:v", "copy", "-an");
        assertThat(args).doesNotContain("-filter_complex");
        assertThat(args.subList(args.size() - 6, args.size()))
                .containsExactly("-movflags", "+faststart", "-f", "mp4", "-y", VIDEO.toString());
    }

    @Test
    void tracksAreMixedAtTheirLevelsStartsAndChannelsAndCutToThePicture() {
        List<String> args = JoinCommand.arguments(
                List.of(
                        new AudioSources.Track(Path.of("/a/music.m4a"), 0.3, 0.0, 2),
                        new AudioSources.Track(Path.of("/a/voice.wav"), 1.0, 1.25, 1)),
                4.0,
                VIDEO);

        assertThat(args).containsSubsequence("-i", "/a/music.m4a", "-i", "/a/voice.wav");
        String graph = args.get(args.indexOf("-filter_complex") + 1);
        assertThat(graph)
                .contains("[1:a]aresample=48000,aformat=channel_layouts=stereo,volume=0.3000,adelay=0:all=1[a0];")
                .contains("[2:a]aresample=48000,pan=stereo|c0=c0|c1=c0,volume=1.0000,adelay=1250:all=1[a1];")
                .endsWith("[a0][a1]amix=inputs=2:duration=longest:normalize=0,apad,atrim=end=4.000000,"
                        + "asetpts=N/SR/TB[mix]");
        assertThat(args).containsSubsequence("-map", "[mix]", "-c:a", "aac", "-ar", "48000");
    }

    @Test
    void theThumbnailSeeksHalfAFrameBeforeTheMiddleFrameAndNeverPastTheStart() {
        assertThat(ExportWriter.thumbnailSeek(1, 30)).isZero();
        assertThat(ExportWriter.thumbnailSeek(2, 30)).isZero();
        assertThat(ExportWriter.thumbnailSeek(150, 30)).isEqualTo((74 - 0.5) / 30);
        assertThatThrownBy(() -> ExportWriter.thumbnailSeek(0, 30)).isInstanceOf(IllegalArgumentException.class);
    }
}
