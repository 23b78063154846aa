package ir.flatrender.tools.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The manifest is checked against the bundle's compositions at push (issue 18, case 6). */
class RemotionBundlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode manifest(String aspects) throws Exception {
        return JSON.readTree(
                "{\"engine\": \"remotion\", \"fps\": 30, \"durationInFrames\": 90, \"aspects\": {" + aspects + "}}");
    }

    private static final List<RemotionBundler.Composition> BUNDLE = List.of(
            new RemotionBundler.Composition("Promo-16x9", 1920, 1080, 30, 90),
            new RemotionBundler.Composition("Promo-1x1", 1080, 1080, 30, 90));

    @Test
    @DisplayName("a manifest that describes the bundle has no differences")
    void aMatchingManifestPasses() throws Exception {
        assertThat(RemotionBundler.differences(
                        manifest("\"16:9\": {\"width\": 1920, \"height\": 1080, \"composition\": \"Promo-16x9\"},"
                                + "\"1:1\": {\"width\": 1080, \"height\": 1080, \"composition\": \"Promo-1x1\"}"),
                        BUNDLE))
                .isEmpty();
    }

    @Test
    @DisplayName("a missing composition, another size, frame rate or length are each named")
    void eachDifferenceIsNamed() throws Exception {
        List<String> found = RemotionBundler.differences(
                manifest("\"16:9\": {\"width\": 1280, \"height\": 720, \"composition\": \"Promo-16x9\"},"
                        + "\"9:16\": {\"width\": 1080, \"height\": 1920, \"composition\": \"Promo-9x16\"}"),
                List.of(
                        new RemotionBundler.Composition("Promo-16x9", 1920, 1080, 25, 120),
                        new RemotionBundler.Composition("Promo-1x1", 1080, 1080, 30, 90)));
        assertThat(found)
                .containsExactly(
                        "aspect 16:9 is 1280x720 but composition Promo-16x9 is 1920x1080",
                        "fps is 30 but composition Promo-16x9 runs at 25",
                        "durationInFrames is 90 but composition Promo-16x9 has 120",
                        "aspect 9:16 names composition 'Promo-9x16', which the bundle lacks (it has [Promo-16x9,"
                                + " Promo-1x1])");
    }
}
