package ir.flatrender.orchestrator.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
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
        return BindingsValidator.resolve("t", "timeline", FIELDS, FILES, read(json));
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
        assertThat(BindingsValidator.resolve("hello", "remotion", fields, FILES, read("{\"title_text\": \"Salam\"}"))
                        .toString())
                .isEqualTo("{\"title_text\":\"Salam\"}");
        assertThatThrownBy(() -> BindingsValidator.resolve(
                        "hello", "remotion", fields, FILES, read("{\"titleText\": \"Salam\"}")))
                .isInstanceOfSatisfying(
                        FarmException.class,
                        e -> assertThat(e.violations()).singleElement().satisfies(v -> {
                            assertThat(v.field()).isEqualTo("bindings.titleText");
                            assertThat(v.description())
                                    .isEqualTo("is the prop that binding 'title_text' sets; give it as title_text");
                        }));
    }

    @Test
    void imagesMustBePackageFilesOrSmallDataUris() throws IOException {
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
        String png = Base64.getEncoder().encodeToString(picture("png"));
        assertThat(resolve("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + png + "\"}"))
                .isNotNull();
        String notPng = Base64.getEncoder().encodeToString("GIF89a-not-a-png".getBytes());
        assertThat(violations("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + notPng + "\"}")
                        .get(0)
                        .description())
                .contains("is not a PNG, JPEG or SVG");
    }

    @Test
    void anImageIsJudgedByItsContentDecodedWhole() throws IOException {
        byte[] png = picture("png");
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(png, png.length / 2));
        FieldViolation cut = violations("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + truncated + "\"}")
                .get(0);
        assertThat(cut.field()).isEqualTo("bindings.logo");
        assertThat(cut.description()).contains("PNG").contains("decode");
        String jpeg = Base64.getEncoder().encodeToString(picture("jpeg"));
        assertThat(violations("{\"title\": \"x\", \"logo\": \"data:image/png;base64," + jpeg + "\"}")
                        .get(0)
                        .description())
                .isEqualTo("is declared image/png but its content is image/jpeg");
    }

    @Test
    void svgIsForTemplatesABrowserDraws() {
        String svg = Base64.getEncoder()
                .encodeToString(
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\"><rect width=\"40\" height=\"20\"/></svg>"
                                .getBytes(StandardCharsets.UTF_8));
        String bindings = "{\"title\": \"x\", \"logo\": \"data:image/svg+xml;base64," + svg + "\"}";
        assertThat(violations(bindings).get(0).description()).contains("SVG only in Remotion templates");
        assertThat(BindingsValidator.resolve("t", "remotion", FIELDS, FILES, read(bindings))
                        .get("logo")
                        .asText())
                .startsWith("data:image/svg+xml;base64,");
        String script = Base64.getEncoder()
                .encodeToString(
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><script>x()</script></svg>"
                                .getBytes(StandardCharsets.UTF_8));
        try {
            BindingsValidator.resolve(
                    "t",
                    "remotion",
                    FIELDS,
                    FILES,
                    read("{\"title\": \"x\", \"logo\": \"data:image/svg+xml;base64," + script + "\"}"));
            throw new AssertionError("an SVG with a script was accepted");
        } catch (FarmException e) {
            assertThat(e.violations().get(0).field()).isEqualTo("bindings.logo");
            assertThat(e.violations().get(0).description()).contains("<script>");
        }
    }

    @Test
    void theFilesABindingsObjectEmbedsAreBoundedAllTogether() throws IOException {
        List<BindingField> two = TemplateManifestParser.parse(read("""
                {"id": "t", "name": "T", "engine": "remotion", "fps": 30, "durationInFrames": 30,
                 "aspects": {"16:9": {"width": 64, "height": 36, "composition": "T"}},
                 "bindings": [{"name": "a", "type": "image", "required": false},
                              {"name": "b", "type": "image", "required": false}],
                 "remotion": {"entry": "src/index.ts"}}
                """)).bindings();
        // Two files of 3 MiB each: each under the per-file limit, 6 MiB together.
        BufferedImage noise = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noise, "png", out);
        assertThat(out.size()).isBetween(3_000_000, BindingsValidator.MAX_IMAGE_BYTES);
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        ObjectNode one = JSON.createObjectNode().put("a", uri);
        assertThat(BindingsValidator.resolve("t", "remotion", two, Set.of(), one)
                        .get("a")
                        .asText())
                .isEqualTo(uri);
        ObjectNode both = JSON.createObjectNode().put("a", uri).put("b", uri);
        try {
            BindingsValidator.resolve("t", "remotion", two, Set.of(), both);
            throw new AssertionError("6 MiB of embedded files were accepted");
        } catch (FarmException e) {
            assertThat(e.violations()).singleElement().satisfies(v -> {
                assertThat(v.field()).isEqualTo("bindings");
                assertThat(v.description()).contains("at most " + BindingsValidator.MAX_EMBEDDED_BYTES);
            });
        }
    }

    private static byte[] picture(String format) throws IOException {
        BufferedImage image = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xff6b35);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    @Test
    void controlCharactersInTextAreRefused() {
        assertThat(violations("{\"title\": \"a\\u0000b\"}").get(0).description())
                .contains("control characters");
    }
}
