package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobWarningsTest {
    @Test
    void aTierLargerThanTheTemplatesNativeSizeIsAnUpscale() {
        List<Output> outputs =
                List.of(new Output("2160p", 3840, 2160, "mpegts", 18), new Output("720p", 1280, 720, "mpegts", 18));

        assertThat(JobWarnings.of("remotion", "16:9", 1920, 1080, outputs))
                .containsExactly("tier 2160p upscales: the template's 16:9 is drawn at 1920x1080 and scaled up to"
                        + " 3840x2160, which looks soft (a tier whose short side is at most 1080 keeps it sharp)");
    }

    @Test
    void aPortraitTemplateIsMeasuredByItsShortSide() {
        assertThat(JobWarnings.of(
                        "remotion", "9:16", 1080, 1920, List.of(new Output("1080p", 1080, 1920, "mpegts", 18))))
                .isEmpty();
        assertThat(JobWarnings.of(
                        "aftereffects", "9:16", 720, 1280, List.of(new Output("1080p", 1080, 1920, "mpegts", 18))))
                .singleElement()
                .asString()
                .startsWith("tier 1080p upscales: the template's 9:16 is drawn at 720x1280");
    }

    @Test
    void theTimelineEngineDrawsAtTheOutputsSizeAndNeverUpscales() {
        assertThat(JobWarnings.of(
                        "timeline", "16:9", 3840, 2160, List.of(new Output("2160p", 3840, 2160, "mpegts", 18))))
                .isEmpty();
    }
}
