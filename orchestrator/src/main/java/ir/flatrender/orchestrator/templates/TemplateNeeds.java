package ir.flatrender.orchestrator.templates;

import java.util.List;

/**
 * What a template needs of the node that renders it, beyond its engine: the capabilities a node
 * lists in its hello. A Remotion template that says {@code "remotion": {"webgl": true}} (every
 * 3D template) needs a Chromium that draws WebGL.
 */
public final class TemplateNeeds {
    public static final String WEBGL = "webgl";

    private TemplateNeeds() {}

    public static List<String> of(TemplateManifest manifest) {
        boolean webgl = manifest.engine().equals("remotion")
                && manifest.raw().path("remotion").path("webgl").asBoolean(false);
        return webgl ? List.of(WEBGL) : List.of();
    }
}
