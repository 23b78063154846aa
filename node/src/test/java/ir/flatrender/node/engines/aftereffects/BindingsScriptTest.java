package ir.flatrender.node.engines.aftereffects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated ExtendScript that applies bindings inside After Effects. */
class BindingsScriptTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void textColourAndImageBindingsBecomeCallsInPlainAscii() {
        ObjectNode bindings = JSON.createObjectNode()
                .put("title", "سلام \"quoted\" \\ back\nline")
                .put("accent", "#2266aa")
                .put("logo", "logo.png");
        String script = BindingsScript.generate(
                bindings,
                Map.of("title", "text", "accent", "color", "logo", "image"),
                Map.of("logo", Path.of("/work/x/logo.png")));
        assertThat(script)
                .contains(
                        "flatrender.text(\"title\", \"\\u0633\\u0644\\u0627\\u0645 \\\"quoted\\\" \\\\ back\\nline\");")
                .contains("flatrender.color(\"accent\", [0.1333, 0.4000, 0.6667]);")
                .contains("flatrender.image(\"logo\", \"/work/x/logo.png\");");
        // However After Effects guesses the file's encoding, it reads the same characters.
        assertThat(script.chars()).allMatch(c -> c == '\n' || (c >= 0x20 && c <= 0x7e));
    }

    @Test
    void anEmptyOptionalColourKeepsTheProjectsOwn() {
        String script =
                BindingsScript.generate(JSON.createObjectNode().put("accent", ""), Map.of("accent", "color"), Map.of());
        assertThat(script).doesNotContain("flatrender.color(\"accent\"");
    }
}
