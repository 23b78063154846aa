package ir.flatrender.orchestrator.templates;

import ir.flatrender.orchestrator.errors.FarmException;
import java.util.function.Predicate;

/**
 * Which files of a package a render node needs, by engine, and what each engine's package
 * must hold. A Remotion node needs the bundle made at push, not the sources it came from.
 */
public final class RenderPackages {
    public static final String REMOTION_BUNDLE = "bundle/";

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

    /** Refuses a package that lacks what its engine renders from. */
    public static void check(TemplateManifest manifest, TemplatePackage pkg) {
        switch (manifest.engine()) {
            case "remotion" -> {
                if (!pkg.contains(REMOTION_BUNDLE + "index.html")) {
                    throw FarmException.invalid(
                            "package",
                            "a Remotion template needs its bundle (bundle/index.html); `flatrender templates push` makes it");
                }
            }
            case "aftereffects" -> {
                String project =
                        manifest.raw().path("aftereffects").path("project").asText();
                if (!pkg.contains(project)) {
                    throw FarmException.invalid("aftereffects.project", "the package has no file '" + project + "'");
                }
            }
            default -> {
                // The timeline engine renders from the manifest and the files it names.
            }
        }
    }
}
