package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which files of a package a render node needs, by engine, and what each engine's package
 * must hold. A Remotion node needs the bundle made at push, not the sources it came from.
 */
public final class RenderPackages {
    public static final String REMOTION_BUNDLE = "bundle/";
    /** The file a Remotion bundle is opened from. */
    public static final String REMOTION_BUNDLE_INDEX = REMOTION_BUNDLE + "index.html";

    private RenderPackages() {}

    public static Predicate<String> filesFor(TemplateManifest manifest) {
        if (manifest.engine().equals("remotion")) {
            return name -> name.equals(TemplatePackage.MANIFEST) || name.startsWith(REMOTION_BUNDLE);
        }
        return name -> true;
    }

    /**
     * The files a version is identified by: everything but what the push derived from them. A
     * Remotion bundle embeds the absolute path it was built in, so only its sources say whether
     * two pushes are the same content.
     */
    public static Predicate<String> sourceFiles(TemplateManifest manifest) {
        if (manifest.engine().equals("remotion")) {
            return name -> !name.startsWith(REMOTION_BUNDLE);
        }
        return name -> true;
    }

    /**
     * The engines whose payload a package holds, so that a manifest naming any of them could
     * render from it: timeline its {@code spec}, Remotion its bundle, After Effects the project
     * file its {@code aftereffects.project} names.
     *
     * @param manifest the package's {@code template.json}
     * @param contains whether the package has a file
     */
    public static List<String> enginesAvailable(JsonNode manifest, Predicate<String> contains) {
        return TemplateManifestParser.ENGINES.stream()
                .filter(engine -> hasPayload(engine, manifest, contains))
                .toList();
    }

    private static boolean hasPayload(String engine, JsonNode manifest, Predicate<String> contains) {
        return switch (engine) {
            case "timeline" -> manifest.path("spec").isObject();
            case "remotion" -> contains.test(REMOTION_BUNDLE_INDEX);
            case "aftereffects" -> {
                String project = manifest.path("aftereffects").path("project").asText("");
                yield !project.isEmpty() && contains.test(project);
            }
            default -> false;
        };
    }

    /** Refuses a package that lacks what its engine renders from. */
    public static void check(TemplateManifest manifest, TemplatePackage pkg) {
        if (hasPayload(manifest.engine(), manifest.raw(), pkg::contains)) {
            return;
        }
        throw switch (manifest.engine()) {
            case "remotion" ->
                FarmException.invalid(
                        "package",
                        "a Remotion template needs its bundle (" + REMOTION_BUNDLE_INDEX
                                + "); `flatrender templates push` makes it");
            case "aftereffects" ->
                FarmException.invalid(
                        "aftereffects.project",
                        "the package has no file '"
                                + manifest.raw()
                                        .path("aftereffects")
                                        .path("project")
                                        .asText() + "'");
            // The parser refuses a timeline manifest without its spec before this.
            default -> FarmException.invalid("spec", "the " + manifest.engine() + " engine needs a spec object");
        };
    }
}
