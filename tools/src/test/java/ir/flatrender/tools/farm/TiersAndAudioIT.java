package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.proto.farm.v1.AudioTrack;
import ir.flatrender.proto.farm.v1.Export;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Several tiers from one render, and sound mixed in at assembly. */
class TiersAndAudioIT {
    /** The timeline farm TinyJobsIT shares: each job here is its own. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.shared(FarmShape.timelinePair());

    @TempDir
    static Path directory;

    private static JobClient jobs;

    @BeforeAll
    static void start() {
        jobs = farm.farm().jobs();
    }

    private static Job finish(SubmitJobRequest request) {
        Job submitted = jobs.submit(request).getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        return jobs.get(submitted.getId(), true);
    }

    @Test
    void aPreviewTierComesFromTheSameRenderAsTheFinal() throws Exception {
        Job job = finish(SubmitJobRequest.newBuilder()
                .setTemplateId("sample-promo")
                .setAspect("9:16")
                .setTier("720p")
                .addExtraTiers("360p")
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(59))
                .setChunkFrames(20)
                .build());
        // One render: three chunks, each uploaded both tiers.
        assertThat(job.getChunksList()).hasSize(3);
        assertThat(job.getExportsList()).extracting(Export::getTier).containsExactly("720p", "360p");
        try (VideoFrames frames = new VideoFrames()) {
            for (Export export : job.getExportsList()) {
                MediaInfo.VideoStream video =
                        frames.probe(Path.of(export.getLocation())).video().orElseThrow();
                assertThat(video.frameCount()).isEqualTo(60);
                assertThat(video.codec()).isEqualTo("h264");
                if (export.getTier().equals("720p")) {
                    assertThat(video.width()).isEqualTo(720);
                    assertThat(video.height()).isEqualTo(1280);
                } else {
                    assertThat(video.width()).isEqualTo(360);
                    assertThat(video.height()).isEqualTo(640);
                }
            }
        }
    }

    @Test
    void musicAndVoiceoverAreMixedToTheVideosLength() throws Exception {
        try (VideoFrames frames = new VideoFrames()) {
            // Music shorter than the video (padded with silence), voiceover longer (cut).
            Path music = frames.tone(directory.resolve("music.wav"), 2, 440);
            Path voice = frames.tone(directory.resolve("voice.wav"), 5, 880);
            Job job = finish(SubmitJobRequest.newBuilder()
                    .setTemplateId("sample-promo")
                    .setAspect("16:9")
                    .setTier("360p")
                    .setFrames(FrameRange.newBuilder().setStart(0).setEnd(89))
                    .addAudio(track("music", music, 0.3, 0))
                    .addAudio(track("voiceover", voice, 1.0, 0.5))
                    .build());
            Export export = job.getExport();
            assertThat(export.getHasAudio()).isTrue();
            Path video = directory.resolve("with-sound.mp4");
            jobs.download(job.getId(), video);
            MediaInfo info = frames.probe(video);
            assertThat(info.video().orElseThrow().frameCount()).isEqualTo(90);
            MediaInfo.AudioStream sound = info.audio().orElseThrow();
            assertThat(sound.codec()).isEqualTo("aac");
            // One AAC frame at 48 kHz is 21.3 ms.
            assertThat(Math.abs(sound.durationMillis() - 3000)).isLessThanOrEqualTo(22);

            // Each track at its volume and from its start: before 0.5 s only the music, at 0.3
            // of its level; then both (tones of other pitches add as powers); after the music's
            // 2 s only the voiceover, at its full level.
            double musicLevel = frames.rms(music, 0.1, 0.4);
            double voiceLevel = frames.rms(voice, 0.1, 0.4);
            assertThat(frames.rms(video, 0.1, 0.4) / musicLevel).isCloseTo(0.3, within(0.02));
            assertThat(frames.rms(video, 1.0, 1.5))
                    .isCloseTo(Math.hypot(0.3 * musicLevel, voiceLevel), within(0.02 * voiceLevel));
            assertThat(frames.rms(video, 2.2, 2.8) / voiceLevel).isCloseTo(1.0, within(0.03));
        }
    }

    @Test
    void aTemplatesOwnSoundPlaysFromItsPackageAtTheBoundVolume() throws Exception {
        Job job = finish(SubmitJobRequest.newBuilder()
                .setTemplateId("chime-card")
                .setAspect("16:9")
                .setTier("360p")
                .setBindings(com.google.protobuf.Struct.newBuilder()
                        .putFields(
                                "chime_volume",
                                com.google.protobuf.Value.newBuilder()
                                        .setNumberValue(0.8)
                                        .build()))
                .build());
        Path video = directory.resolve("chime.mp4");
        jobs.download(job.getId(), video);
        try (VideoFrames frames = new VideoFrames()) {
            Path chime = directory.resolve("chime.wav");
            Files.write(
                    chime,
                    TiersAndAudioIT.class
                            .getResourceAsStream("/templates/chime-card/chime.wav")
                            .readAllBytes());
            assertThat(frames.probe(video).audio().orElseThrow().durationMillis())
                    .isCloseTo(1000L, org.assertj.core.data.Offset.offset(22L));
            // Silent until its start at 0.2 s, then the package's chime at 0.8 of its level.
            assertThat(frames.rms(video, 0.0, 0.15)).isLessThan(0.001);
            assertThat(frames.rms(video, 0.25, 0.4) / frames.rms(chime, 0.05, 0.2))
                    .isCloseTo(0.8, within(0.04));
        }
    }

    private static AudioTrack track(String role, Path file, double volume, double start) throws Exception {
        return AudioTrack.newBuilder()
                .setRole(role)
                .setSource("data:audio/wav;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file)))
                .setVolume(volume)
                .setStartSeconds(start)
                .build();
    }
}
