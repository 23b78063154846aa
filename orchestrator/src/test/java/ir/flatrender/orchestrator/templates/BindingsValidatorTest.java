package ir.flatrender.orchestrator.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindingsValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<BindingField> FIELDS =
            TemplateManifestParser.parse(read("""
                    {"id": "t", "name": "T", "engine": "timeline", "fps": 30, "durationInFrames": 30,
                     "aspects": {"16:9": {"width": 1920, "height": 1080}}, "spec": {},
                     "bindings": [
                       {"name": "title", "type": "text", "maxLength": 10},
                       {"name": "subtitle", "type": "text", "required": false},
                       {"name": "accent", "type": "color", "default": "#FF6B35"},
                       {"name": "logo", "type": "image", "default": "logo.png"},
                       {"name": "speed", "type": "number", "min": 0.5, "max": 2, "default": 1}
                     ]}
                    """)).bindings();
    private static final Set<String> FILES = Set.of("template.json", "logo.png", "other.jpg");

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode resolve(String json) {
        return BindingsValidator.resolve("t", FIELDS, FILES, read(json));
    }

    private static List<FieldViolation> violations(String json) {
        try {
            resolve(json);
        } catch (FarmException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            return e.violations();
        }
        throw new AssertionError("bindings were accepted: " + json);
    }

    @Test
    void fillsDefaultsAndNormalisesColours() {
        ObjectNode resolved = resolve("{\"title\": \"Hello\"}");
        assertThat(resolved.toString())
                .isEqualTo(
                        "{\"title\":\"Hello\",\"subtitle\":\"\",\"accent\":\"#ff6b35\",\"logo\":\"logo.png\",\"speed\":1}");
    }

    @Test
    void aMissingRequiredBindingIsNamed() {
        assertThat(violations("{}")).extracting(FieldViolation::field).containsExactly("bindings.title");
    }

    @Test
    void aTooLongTextIsNamedWithItsLength() {
        List<FieldViolation> problems = violations("{\"title\": \"ابتدای یک عنوان بلند\"}");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).field()).isEqualTo("bindings.title");
        assertThat(problems.get(0).description()).contains("too long").contains("at most 10");
    }

    @Test
    @org.junit.jupiter.api.DisplayName(
            "case 4: a text binding with no maxLength takes at most 500 characters; a 10,000-character one is refused,"
                    + " naming the field")
    void aTextWithoutMaxLengthHasADefaultLimit() {
        assertThat(resolve("{\"title\": \"T\", \"subtitle\": \"" + "a".repeat(500) + "\"}")
                        .get("subtitle")
                        .asText())
                .hasSize(500);
        List<FieldViolation> problems = violations("{\"title\": \"T\", \"subtitle\": \"" + "a".repeat(10_000) + "\"}");
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("bindings.subtitle");
            assertThat(problem.description())
                    .contains("is too long: 10000 characters, at most 500")
                    .contains("no maxLength");
        });
    }

    @Test
    void wrongTypesAreNamed() {
        List<FieldViolation> problems =
                violations("{\"title\": 12, \"accent\": \"red\", \"speed\": \"fast\", \"logo\": 3}");
        assertThat(problems)
                .extracting(FieldViolation::field)
                .containsExactlyInAnyOrder("bindings.title", "bindings.accent", "bindings.speed", "bindings.logo");
    }

    @Test
    void numbersAreKeptWithinTheirLimits() {
        assertThat(violations("{\"title\": \"x\", \"speed\": 5}").get(0).description())
                .contains("at most 2.0");
        assertThat(resolve("{\"title\": \"x\", \"speed\": 1.5}").get("speed").asDouble())
                .isEqualTo(1.5);
    }

    @Test
    void unknownBindingsAreRefused() {
        assertThat(violations("{\"title\": \"x\", \"colour\": \"#fff\"}").get(0).field())
                .isEqualTo("bindings.colour");
    }

    @Test
    void aBindingIsGivenByItsNameNotByThePropItSets() {
        List<BindingField> fields = TemplateManifestParser.parse(read("""
                        {"id": "hello", "name": "Hello", "engine": "remotion", "remotion": {"entry": "src/index.ts"},
                         "fps": 30, "durationInFrames": 150,
                         "aspects": {"16:9": {"width": 1920, "height": 1080, "composition": "HelloWorld"}},
                         "bindings": [{"name": "title_text", "prop": "titleText", "type": "text", "default": "Hi"}]}
                        """)).bindings();
        assertThat(BindingsValidator.resolve("hello", fields, FILES, read("{\"title_text\": \"Salam\"}"))
                        .toString())
                .isEqualTo("{\"title_text\":\"Salam\"}");
        assertThatThrownBy(() -> BindingsValidator.resolve("hello", fields, FILES, read("{\"titleText\": \"Salam\"}")))
                .isInstanceOfSatisfying(
                        FarmException.class,
                        e -> assertThat(e.violations()).singleElement().satisfies(v -> {
                            assertThat(v.field()).isEqualTo("bindings.titleText");
                            assertThat(v.description())
                                    .isEqualTo("is the prop that binding 'title_text' sets; give it as title_text");
                        }));
    }

    @Test
    void imagesMustBePackageFilesOrSmallDataUris() {
        assertThat(resolve("{\"title\": \"x\", \"logo\": \"other.jpg\"}")
                        .get("logo")
                        .asText())
                .isEqualTo("other.jpg");
        assertThat(violations("{\"title\": \"x\", \"logo\": \"missing.png\"}")
                        .get(0)
                        .description())
                .contains("no file");
        assertThat(violations("{\"title\": \"x\", \"logo\": \"../etc/passwd.png\"}")
                        .get(0)
                        .description())
                .contains("inside the template package");
        assertThat(violations("{\"title\": \"x\", \"logo\": \"/etc/x.png\"}")
                        .get(0)
                        .field())
                .isEqualTo("bindings.logo");
        String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertThat(resolve("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + png + "\"}"))
                .isNotNull();
        String notPng = Base64.getEncoder().encodeToString("GIF89a-not-a-png".getBytes());
        assertThat(violations("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + notPng + "\"}")
                        .get(0)
                        .description())
                .contains("not a image/png");
    }

    @Test
    void controlCharactersInTextAreRefused() {
        assertThat(violations("{\"title\": \"a\\u0000b\"}").get(0).description())
                .contains("control characters");
    }
}
