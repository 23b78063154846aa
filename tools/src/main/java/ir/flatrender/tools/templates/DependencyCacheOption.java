package ir.flatrender.tools.templates;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a Remotion template's own dependencies are installed, once per lockfile. */
final class DependencyCacheOption {
    @Option(
            names = "--dependency-cache",
            defaultValue = "${env:FLATRENDER_DEPENDENCY_CACHE}",
            description =
                    "Where a template's own npm dependencies (its package.json and package-lock.json) are "
                            + "installed, one folder per lockfile sha256, reused by later pushes (env "
                            + "FLATRENDER_DEPENDENCY_CACHE; default $XDG_CACHE_HOME/flatrender/npm or ~/.cache/flatrender/npm).")
    Path directory;

    Path directory() {
        return directory != null ? directory : TemplateDependencies.defaultCache();
    }
}
