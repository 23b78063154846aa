package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.proto.farm.v1.Export;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.jobs.JobClient;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 17, case 3: a job of any length from one frame is assembled, thumbnail and all. */
class TinyJobsIT {
    /** The timeline farm TiersAndAudioIT shares: each job here is its own. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.shared(FarmShape.timelinePair());

    private static JobClient jobs;

    @BeforeAll
    static void start() {
        jobs = farm.farm().jobs();
    }

    @ParameterizedTest(name = "case 3: a {0}-frame job succeeds with its thumbnail")
    @ValueSource(ints = {1, 2, 3})
    @DisplayName("case 3: tiny jobs are assembled with a thumbnail")
    void aTinyJobIsAssembledWithItsThumbnail(int frames) throws Exception {
        Job submitted = jobs.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId("sample-promo")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setFrames(FrameRange.newBuilder().setStart(100).setEnd(100 + frames - 1))
                        .build())
                .getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Export export = jobs.get(submitted.getId(), true).getExports(0);
        assertThat(export.getFrameCount()).isEqualTo(frames);
        BufferedImage thumbnail =
                ImageIO.read(Path.of(export.getThumbnailLocation()).toFile());
        assertThat(thumbnail).as("a decodable JPEG").isNotNull();
        assertThat(thumbnail.getWidth()).isEqualTo(640);
        assertThat(thumbnail.getHeight()).isEqualTo(360);
    }
}
