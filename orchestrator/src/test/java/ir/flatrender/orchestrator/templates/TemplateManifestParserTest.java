package ir.flatrender.orchestrator.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import org.junit.jupiter.api.Test;

class TemplateManifestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheBundledSample() throws Exception {
        TemplatePackage sample = SampleTemplates.load(SampleTemplates.SAMPLE_PROMO);
        TemplateManifest manifest = TemplateManifestParser.parse(JSON.readTree(sample.manifest()));
        assertThat(manifest.id()).isEqualTo("sample-promo");
        assertThat(manifest.engine()).isEqualTo("timeline");
        assertThat(manifest.fps()).isEqualTo(30);
        assertThat(manifest.durationFrames()).isEqualTo(300);
        assertThat(manifest.aspects()).containsOnlyKeys("16:9", "1:1", "9:16");
        assertThat(manifest.aspects().get("16:9").width()).isEqualTo(1920);
        assertThat(manifest.bindings())
                .extracting(BindingField::name)
                .contains("title_fa", "title_en", "accent", "logo");
    }

    @Test
    void everyProblemIsReportedWithItsField() throws Exception {
        String manifest = """
                {"id": "Bad Id", "engine": "blender", "fps": 0, "durationInFrames": 10,
                 "aspects": {"4:3": {"width": 800, "height": 600}},
                 "bindings": [{"name": "x", "type": "video"}, {"name": "x", "type": "text"}]}
                """;
        assertThatThrownBy(() -> TemplateManifestParser.parse(JSON.readTree(manifest)))
                .isInstanceOfSatisfying(
                        FarmException.class,
                        e -> assertThat(e.violations())
                                .extracting(FieldViolation::field)
                                .contains(
                                        "id",
                                        "name",
                                        "engine",
                                        "fps",
                                        "aspects.4:3",
                                        "bindings[0].type",
                                        "bindings[1].name"))
                .hasMessageContaining("engine: unknown engine 'blender'");
    }

    @Test
    void anOptionalColourNeedsADefault() throws Exception {
        String manifest = """
                {"id": "t", "name": "T", "engine": "timeline", "fps": 30, "durationInFrames": 30, "spec": {},
                 "aspects": {"1:1": {"width": 1080, "height": 1080}},
                 "bindings": [{"name": "accent", "type": "color", "required": false}]}
                """;
        assertThatThrownBy(() -> TemplateManifestParser.parse(JSON.readTree(manifest)))
                .hasMessageContaining("bindings[0].default");
    }

    private static final String REMOTION = """
            {"id": "hello", "name": "Hello", "engine": "remotion", "remotion": {"entry": "src/index.ts"},
             "fps": 30, "durationInFrames": 150,
             "aspects": {"16:9": {"width": 1920, "height": 1080, "composition": "HelloWorld"}},
             "bindings": %s}
            """;

    @Test
    void aBindingMayNameTheRemotionPropItSets() throws Exception {
        TemplateManifest manifest = TemplateManifestParser.parse(JSON.readTree(REMOTION.formatted("""
                [{"name": "title_text", "prop": "titleText", "type": "text", "default": "Welcome"},
                 {"name": "accent", "type": "color", "default": "#86a8e7"}]
                """)));
        assertThat(manifest.bindings())
                .extracting(BindingField::name, BindingField::propName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("title_text", "titleText"),
                        org.assertj.core.groups.Tuple.tuple("accent", "accent"));
    }

    @Test
    void aCamelCaseBindingNameIsRefusedWithTheWayToBindItsProp() throws Exception {
        assertThatThrownBy(() -> TemplateManifestParser.parse(JSON.readTree(
                        REMOTION.formatted("[{\"name\": \"titleText\", \"type\": \"text\", \"default\": \"x\"}]"))))
                .isInstanceOfSatisfying(
                        FarmException.class,
                        e -> assertThat(e.violations()).singleElement().satisfies(v -> {
                            assertThat(v.field()).isEqualTo("bindings[0].name");
                            assertThat(v.description()).contains("\"prop\": \"titleText\"");
                        }));
    }

    @Test
    void aBadOrDuplicatePropIsNamed() throws Exception {
        assertThatThrownBy(() -> TemplateManifestParser.parse(JSON.readTree(REMOTION.formatted("""
                        [{"name": "a", "prop": "title-text", "type": "text", "default": "x"},
                         {"name": "b", "prop": "titleText", "type": "text", "default": "x"},
                         {"name": "c", "prop": "titleText", "type": "text", "default": "x"},
                         {"name": "subtitle", "type": "text", "default": "x"},
                         {"name": "d", "prop": "subtitle", "type": "text", "default": "x"}]
                        """))))
                .isInstanceOfSatisfying(
                        FarmException.class,
                        e -> assertThat(e.violations())
                                .extracting(FieldViolation::field)
                                .containsExactly("bindings[0].prop", "bindings[2].prop", "bindings[4].prop"));
    }

    @Test
    void onlyRemotionTemplatesTakeProps() throws Exception {
        String manifest = """
                {"id": "t", "name": "T", "engine": "timeline", "fps": 30, "durationInFrames": 30, "spec": {},
                 "aspects": {"1:1": {"width": 1080, "height": 1080}},
                 "bindings": [{"name": "title", "prop": "titleText", "type": "text", "default": "x"}]}
                """;
        assertThatThrownBy(() -> TemplateManifestParser.parse(JSON.readTree(manifest)))
                .hasMessageContaining("bindings[0].prop: only the remotion engine takes props");
    }
}
