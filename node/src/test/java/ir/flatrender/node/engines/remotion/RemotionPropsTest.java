package ir.flatrender.node.engines.remotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RemotionPropsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bindingsArePassedUnderThePropTheirManifestNamesElseUnderTheirOwnName() throws Exception {
        var manifest = JSON.readTree("""
                {"bindings": [
                  {"name": "title_text", "prop": "titleText", "type": "text"},
                  {"name": "logo_color_1", "prop": "logoColor1", "type": "color"},
                  {"name": "subtitle", "type": "text"}
                ]}
                """);
        ObjectNode bindings = (ObjectNode)
                JSON.readTree("{\"title_text\": \"سلام\", \"logo_color_1\": \"#ff0000\", \"subtitle\": \"x\"}");

        assertThat(RemotionProps.of(manifest, bindings).toString())
                .isEqualTo("{\"titleText\":\"سلام\",\"logoColor1\":\"#ff0000\",\"subtitle\":\"x\"}");
    }

    @Test
    void aManifestWithoutPropsPassesTheBindingsAsTheyAre() throws Exception {
        var manifest = JSON.readTree("{\"bindings\": [{\"name\": \"title\", \"type\": \"text\"}]}");
        ObjectNode bindings = (ObjectNode) JSON.readTree("{\"title\": \"Hello\", \"accent\": \"#112233\"}");

        assertThat(RemotionProps.of(manifest, bindings)).isEqualTo(bindings);
    }
}
