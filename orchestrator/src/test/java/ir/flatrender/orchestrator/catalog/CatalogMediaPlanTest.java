package ir.flatrender.orchestrator.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CatalogMediaPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-0000000000c1");

    /** A project of version 3, 50 frames, with these aspects ("16:9=640x360", ...) in this order. */
    private static CatalogRows.Project project(String... aspects) {
        ObjectNode sizes = JSON.createObjectNode();
        for (String aspect : aspects) {
            String[] parts = aspect.split("[=x]");
            sizes.putObject(parts[0])
                    .put("width", Integer.parseInt(parts[1]))
                    .put("height", Integer.parseInt(parts[2]));
        }
        return new CatalogRows.Project(
                "card",
                TENANT,
                "sale",
                3,
                "کارت",
                "Card",
                "",
                "",
                List.of(),
                List.of(),
                "timeline",
                25,
                50,
                sizes,
                Instant.EPOCH);
    }

    private static CatalogRows.Media media(String kind, String aspect, int version) {
        return new CatalogRows.Media(
                "card", version, kind, aspect, "0".repeat(64), "catalog/x", "image/jpeg", 1, 1, 1, null, null);
    }

    private static CatalogRows.Entry entry(CatalogRows.Project project, CatalogRows.Media... media) {
        return new CatalogRows.Entry(project, List.of(), List.of(), List.of(), List.of(media));
    }

    @Test
    void anEntryWithoutMediaGetsACoverPerAspectAndAWidePreviewOfItsTenant() {
        CatalogMediaPlan plan =
                CatalogMediaPlan.of(entry(project("9:16=1080x1920", "16:9=1920x1080", "1:1=1080x1080")), false);
        assertThat(plan.templateId()).isEqualTo("card");
        assertThat(plan.templateVersion()).isEqualTo(3);
        assertThat(plan.tenantId()).isEqualTo(TENANT);
        assertThat(plan.covers())
                .containsExactly(
                        new CatalogMediaPlan.Cover("16:9", 27, "1080p"),
                        new CatalogMediaPlan.Cover("1:1", 27, "1080p"),
                        new CatalogMediaPlan.Cover("9:16", 27, "1080p"));
        assertThat(plan.preview()).contains(new CatalogMediaPlan.Preview("16:9", "360p"));
    }

    @Test
    void onlyWhatTheCurrentVersionLacksIsPlannedAndNothingWhenItHasAll() {
        CatalogRows.Project project = project("16:9=640x360", "9:16=360x640");
        CatalogMediaPlan partly = CatalogMediaPlan.of(
                entry(project, media("cover", "16:9", 3), media("cover", "9:16", 2), media("preview", "16:9", 3)),
                false);
        assertThat(partly.covers()).extracting(CatalogMediaPlan.Cover::aspect).containsExactly("9:16");
        assertThat(partly.preview()).isEmpty();
        assertThat(partly.isEmpty()).isFalse();

        CatalogRows.Media[] all = {media("cover", "16:9", 3), media("cover", "9:16", 3), media("preview", "16:9", 3)};
        assertThat(CatalogMediaPlan.of(entry(project, all), false).isEmpty()).isTrue();
        CatalogMediaPlan forced = CatalogMediaPlan.of(entry(project, all), true);
        assertThat(forced.covers()).extracting(CatalogMediaPlan.Cover::aspect).containsExactly("16:9", "9:16");
        assertThat(forced.preview()).isPresent();
    }

    @Test
    void withoutAWideAspectThePreviewIsOfTheFirstInTheCatalogsOrder() {
        assertThat(CatalogMediaPlan.of(entry(project("9:16=720x1280", "1:1=720x720")), false)
                        .preview())
                .contains(new CatalogMediaPlan.Preview("1:1", "360p"));
        assertThat(CatalogMediaPlan.of(entry(project()), false)).satisfies(plan -> {
            assertThat(plan.preview()).isEqualTo(Optional.empty());
            assertThat(plan.isEmpty()).isTrue();
        });
    }

    @Test
    void aCoverIsAtTheTierOfItsAspectsShortSideOrTheLargestBelowIt() {
        assertThat(CatalogMediaPlan.coverTier(640, 360)).isEqualTo("360p");
        assertThat(CatalogMediaPlan.coverTier(360, 640)).isEqualTo("360p");
        assertThat(CatalogMediaPlan.coverTier(800, 600)).isEqualTo("480p");
        assertThat(CatalogMediaPlan.coverTier(1080, 1920)).isEqualTo("1080p");
        assertThat(CatalogMediaPlan.coverTier(3840, 2160)).isEqualTo("2160p");
        assertThat(CatalogMediaPlan.coverTier(200, 200)).isEqualTo("360p");
    }

    @Test
    void aCoverShowsAFrameALittlePastTheMiddle() {
        assertThat(CatalogMediaPlan.coverFrame(300)).isEqualTo(165);
        assertThat(CatalogMediaPlan.coverFrame(50)).isEqualTo(27);
        assertThat(CatalogMediaPlan.coverFrame(1)).isZero();
    }
}
