package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingNodes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm renders a catalog entry's media itself (issue 21, RenderCatalogMedia): a JPEG cover
 * per aspect at the aspect's size and a 360p preview of the template's length, linked to the
 * entry by the orchestrator; asked again it starts nothing, forced it renders all again (the
 * covers too, past the snapshot cache). Bad input is CatalogServiceIT's; the CLI's seed on top
 * of this is CatalogSeedFarmIT's.
 */
class CatalogMediaFarmIT {
    private static final String TEMPLATE = "catalog-media-card";
    private static final String MANIFEST = """
            {"id": "%s", "name": {"en": "Media card", "fa": "کارت رسانه"}, "engine": "timeline", "fps": 25,
             "durationInFrames": 50, "aspects": {"16:9": {"width": 640, "height": 360},
                                                  "9:16": {"width": 360, "height": 640}},
             "bindings": [{"name": "accent", "type": "color", "label": {"en": "Accent", "fa": "رنگ"},
                           "default": "#ff6b35"}],
             "catalog": {"category": {"en": "Cards", "fa": "کارت‌ها"}},
             "spec": {"background": {"type": "gradient", "colors": ["#0f172a", "#1e293b", "{{accent}}"],
                                     "stops": [0, 0.55, 1], "angle": 135}}}
            """.formatted(TEMPLATE);

    /** The timeline farm TinyJobsIT and TiersAndAudioIT share: this class's template is its own. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.shared(FarmShape.timelinePair());

    @TempDir
    static Path directory;

    private static CatalogServiceGrpc.CatalogServiceBlockingStub catalog() {
        return CatalogServiceGrpc.newBlockingStub(farm.farm().channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static RenderCatalogMediaResponse render(boolean force) {
        return catalog()
                .renderCatalogMedia(RenderCatalogMediaRequest.newBuilder()
                        .setTemplateId(TEMPLATE)
                        .setForce(force)
                        .build());
    }

    private static CatalogEntry entry() {
        return catalog()
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId(TEMPLATE)
                        .build());
    }

    /** The farm's jobs of this class's template, of a kind ('video' or 'snapshot'). */
    private static long jobs(String kind) {
        return farm.farm()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM render.render_jobs WHERE template_id = :template AND kind = :kind")
                        .bind("template", TEMPLATE)
                        .bind("kind", kind)
                        .mapTo(Long.class)
                        .one());
    }

    private static void push() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zip.putArchiveEntry(new ZipArchiveEntry("template.json"));
            zip.write(MANIFEST.getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        farm.farm().templates().push(bytes.toByteArray(), "");
    }

    @Test
    void theFarmRendersAndLinksWhatAnEntryLacksNothingWhenItHasAllAndAllAgainWhenForced() throws Exception {
        push();
        assertThat(entry().getMediaList()).isEmpty();
        RenderCatalogMediaResponse first = render(false);
        assertThat(first.getTemplateVersion()).isEqualTo(1);
        assertThat(first.getCovers()).isEqualTo(2);
        assertThat(first.getPreview()).isTrue();
        assertThat(first.getJobIdsList()).hasSize(1);
        TestingNodes.eventually(
                Duration.ofMinutes(3),
                () -> assertThat(entry().getMediaCount())
                        .as("the covers and the preview linked")
                        .isEqualTo(3));

        CatalogEntry entry = entry();
        assertThat(CatalogMediaChecks.covers(farm.farm().channel(), entry)).containsOnlyKeys("16:9", "9:16");
        CatalogMedia preview =
                CatalogMediaChecks.preview(farm.farm().channel(), entry, directory.resolve(TEMPLATE + "-preview.mp4"));
        assertThat(preview.getAspect()).isEqualTo("16:9");
        assertThat(preview.getFrameCount()).isEqualTo(50);
        Job previewJob = farm.farm().jobs().get(first.getJobIds(0), false);
        assertThat(previewJob.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(previewJob.getTenantId()).isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(jobs("snapshot")).isEqualTo(2);
        assertThat(jobs("video")).isEqualTo(1);

        // All there: nothing starts.
        RenderCatalogMediaResponse again = render(false);
        assertThat(again.getCovers()).isZero();
        assertThat(again.getPreview()).isFalse();
        assertThat(again.getJobIdsList()).isEmpty();
        assertThat(jobs("snapshot") + jobs("video")).isEqualTo(3);

        // Forced: all again; while that run goes on, a call answers it, and once it is done, nothing.
        RenderCatalogMediaResponse forced = render(true);
        assertThat(forced.getCovers()).isEqualTo(2);
        assertThat(forced.getPreview()).isTrue();
        assertThat(forced.getJobIdsList()).hasSize(1).doesNotContain(first.getJobIds(0));
        assertThat(render(false)).isEqualTo(forced);
        List<RenderCatalogMediaResponse> answers = new ArrayList<>();
        TestingNodes.eventually(Duration.ofMinutes(3), () -> {
            RenderCatalogMediaResponse now = render(false);
            answers.add(now);
            assertThat(now).as("the forced run's end").isEqualTo(again);
        });
        assertThat(answers).allSatisfy(now -> assertThat(now).isIn(forced, again));
        assertThat(jobs("snapshot"))
                .as("the covers rendered again, not read from the cache")
                .isEqualTo(4);
        assertThat(jobs("video")).isEqualTo(2);
        assertThat(farm.farm().jobs().get(forced.getJobIds(0), false).getState())
                .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(entry().getMediaList())
                .hasSize(3)
                .allMatch(m -> m.getTemplateVersion() == 1)
                .extracting(m -> m.getKind() + " " + m.getAspect())
                .containsExactlyInAnyOrder("cover 16:9", "cover 9:16", "preview 16:9");
    }
}
