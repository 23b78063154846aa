package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A Remotion template's own dependencies: a package folder with its own {@code package.json} and
 * {@code package-lock.json} (a project as {@code npx create-video} makes it) is bundled against
 * what its lockfile pins, not against the runner's packages. They are installed once per lockfile
 * with {@code npm ci --prefer-offline --ignore-scripts} into {@code <cache>/<sha256 of the
 * lockfile>/node_modules} and reused by every later push of a package with the same lockfile.
 * Install scripts are not run: bundling needs the packages' JavaScript, not native builds, and a
 * push should not run a dependency's code on the pusher's machine beyond what bundling needs.
 */
final class TemplateDependencies {
    static final String PACKAGE_JSON = "package.json";
    static final String LOCKFILE = "package-lock.json";
    /** Written last into a cache entry: an entry without it is an install that did not finish. */
    private static final String COMPLETE = ".flatrender-complete";

    private final Path cache;
    private final Path npm;

    TemplateDependencies(Path cache, Path npm) {
        this.cache = requireNonNull(cache, "cache is null");
        this.npm = requireNonNull(npm, "npm is null");
    }

    /** {@code $XDG_CACHE_HOME/flatrender/npm}, else {@code ~/.cache/flatrender/npm}. */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("flatrender").resolve("npm");
    }

    /** npm next to the Node.js program when it is there (a Node.js tarball), else npm on the PATH. */
    static Path npmBeside(Path nodeJs) {
        Path parent = nodeJs.toAbsolutePath().getParent();
        if (nodeJs.getParent() != null && parent != null && Files.isExecutable(parent.resolve("npm"))) {
            return parent.resolve("npm");
        }
        return Path.of("npm");
    }

    /** Whether the package brings its own dependencies (a package.json with its lockfile). */
    static boolean declaredBy(Path packageRoot) {
        return Files.isRegularFile(packageRoot.resolve(PACKAGE_JSON))
                && Files.isRegularFile(packageRoot.resolve(LOCKFILE));
    }

    /**
     * The {@code node_modules} folder holding the package's dependencies, installing them first
     * unless an earlier push installed the same lockfile.
     */
    Path install(Path packageRoot, PrintWriter console) throws IOException, InterruptedException {
        byte[] lockfile = Files.readAllBytes(packageRoot.resolve(LOCKFILE));
        String digest = Hashing.sha256().hashBytes(lockfile).toString();
        Path entry = cache.resolve(digest);
        if (Files.isRegularFile(entry.resolve(COMPLETE))) {
            console.printf("dependencies: cached (%s, lockfile sha256 %s)%n", entry, digest.substring(0, 12));
            return entry.resolve("node_modules");
        }
        Files.createDirectories(cache);
        Path staging = cache.resolve(digest + ".tmp-" + UUID.randomUUID());
        Files.createDirectories(staging);
        try {
            Files.copy(packageRoot.resolve(PACKAGE_JSON), staging.resolve(PACKAGE_JSON));
            Files.write(staging.resolve(LOCKFILE), lockfile);
            Optional<Path> npmrc = Optional.of(packageRoot.resolve(".npmrc")).filter(Files::isRegularFile);
            if (npmrc.isPresent()) {
                Files.copy(npmrc.get(), staging.resolve(".npmrc"));
            }
            npmCi(staging);
            Files.writeString(staging.resolve(COMPLETE), digest + "\n");
            if (Files.exists(entry)) {
                // An unfinished install left behind (no COMPLETE), or another push finishing first.
                if (Files.isRegularFile(entry.resolve(COMPLETE))) {
                    return entry.resolve("node_modules");
                }
                MoreFiles.deleteRecursively(entry, RecursiveDeleteOption.ALLOW_INSECURE);
            }
            try {
                Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(entry.resolve(COMPLETE))) {
                    throw e;
                }
            }
            console.printf("dependencies: installed (%s, lockfile sha256 %s)%n", entry, digest.substring(0, 12));
            return entry.resolve("node_modules");
        } finally {
            if (Files.exists(staging)) {
                MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
            }
        }
    }

    private void npmCi(Path directory) throws IOException, InterruptedException {
        List<String> command =
                List.of(npm.toString(), "ci", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund");
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(
                            ProcessSpec.of("npm-ci", command, directory)
                                    .withLimits(Duration.ofMinutes(15), Duration.ofMinutes(5), true),
                            line -> {},
                            line -> {})
                    .await();
            if (!outcome.succeeded()) {
                List<String> errors = outcome.logTail().stream()
                        .filter(line -> line.startsWith("npm error") || line.startsWith("npm ERR!"))
                        .limit(6)
                        .toList();
                String tail = String.join(" ", errors).strip();
                throw new IllegalArgumentException("installing the template's dependencies (npm ci from its " + LOCKFILE
                        + ") failed: " + (tail.isEmpty() ? outcome.describe() : tail));
            }
        }
    }
}
