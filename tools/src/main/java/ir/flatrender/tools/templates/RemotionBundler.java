package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Bundles a Remotion template once, at push, with the runner's {@code bundle.mjs}, and checks the
 * manifest against the compositions the bundle really has ({@code compositions.mjs}).
 */
final class RemotionBundler {
    private final Path runner;
    private final Path nodeJs;
    private final TemplateDependencies dependencies;

    RemotionBundler(Path runner, Path nodeJs, Path dependencyCache) {
        // Absolute: the scripts run in the template's folder, so a relative --remotion-runner would miss.
        this.runner = requireNonNull(runner, "runner is null").toAbsolutePath();
        this.nodeJs = requireNonNull(nodeJs, "nodeJs is null");
        this.dependencies = new TemplateDependencies(
                requireNonNull(dependencyCache, "dependencyCache is null"), TemplateDependencies.npmBeside(nodeJs));
    }

    /**
     * Bundles the template whose entry is {@code entry} into {@code out}, then checks
     * {@code manifest} against the bundle's compositions (see {@link #check}).
     */
    void bundleChecked(Path entry, Path out, JsonNode manifest, Path chromium, ObjectMapper json, PrintWriter console)
            throws IOException, InterruptedException {
        bundle(entry, out, console);
        check(out, manifest, chromium, json);
    }

    /**
     * Bundles the template whose entry is {@code entry}. A package with its own package.json and
     * lockfile ({@link TemplateDependencies}) is bundled from a copy of its folder whose
     * {@code node_modules} is its installed dependencies, by its own {@code @remotion/bundler}
     * when it has one; any other package against the runner's packages, as the pack's are.
     */
    void bundle(Path entry, Path out, PrintWriter console) throws IOException, InterruptedException {
        if (!Files.isRegularFile(runner.resolve("bundle.mjs"))) {
            throw new IllegalArgumentException("no Remotion runner in " + runner + "; pass --remotion-runner");
        }
        Path absolute = entry.toAbsolutePath().normalize();
        Optional<Path> root = packageRoot(absolute);
        if (root.isEmpty() || !TemplateDependencies.declaredBy(root.get())) {
            runBundle(absolute, out, Optional.empty(), absolute.getParent(), console);
            return;
        }
        Path modules = dependencies.install(root.get(), console);
        Path copy = Files.createTempDirectory("flatrender-bundle-");
        try {
            copySources(root.get(), copy);
            // Imports resolve from the copy's node_modules, that is from the lockfile's packages.
            Files.createSymbolicLink(copy.resolve("node_modules"), modules);
            runBundle(copy.resolve(root.get().relativize(absolute)), out, Optional.of(modules), copy, console);
        } finally {
            MoreFiles.deleteRecursively(copy, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private void runBundle(Path entry, Path out, Optional<Path> modules, Path directory, PrintWriter console)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(
                "--entry", entry.toString(), "--out", out.toAbsolutePath().toString()));
        modules.ifPresent(m -> arguments.addAll(List.of("--node-modules", m.toString())));
        run("bundle", arguments, directory, Duration.ofMinutes(10), "bundling the Remotion template failed: ", line -> {
            if (line.startsWith("bundler ")) {
                console.printf("bundler: @remotion/bundler %s%n", line.substring("bundler ".length()));
            } else if (line.startsWith("config ")) {
                console.printf("remotion config: %s%n", line.substring("config ".length()));
            }
        });
        console.printf("bundled %s%n", entry.getFileName());
    }

    /** The closest folder above the entry holding template.json. */
    private static Optional<Path> packageRoot(Path entry) {
        for (Path dir = entry.getParent(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** The package's sources: all but installed packages, an earlier bundle and version control. */
    private static void copySources(Path root, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = root.relativize(file);
                if (relative.toString().isEmpty()) {
                    continue;
                }
                String first = relative.getName(0).toString();
                if (first.equals("node_modules") || first.equals("bundle") || first.equals(".git")) {
                    continue;
                }
                Path to = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(file, to);
                }
            }
        }
    }

    /**
     * Runs one of the runner's scripts ({@code NAME.mjs}) to its end, passing each line of its
     * output on; refuses with {@code failure} and the script's own error when it fails.
     */
    private void run(
            String name,
            List<String> arguments,
            Path directory,
            Duration deadline,
            String failure,
            java.util.function.Consumer<String> lines)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(nodeJs.toString(), runner.resolve(name + ".mjs").toString()));
        command.addAll(arguments);
        AtomicReference<String> error = new AtomicReference<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(
                            ProcessSpec.of("remotion-" + name, command, directory)
                                    .withLimits(deadline, Duration.ofMinutes(2), true),
                            line -> {
                                if (line.startsWith("error ")) {
                                    error.compareAndSet(null, line.substring(6));
                                } else {
                                    lines.accept(line);
                                }
                            },
                            line -> {})
                    .await();
            if (!outcome.succeeded()) {
                throw new IllegalArgumentException(failure + (error.get() != null ? error.get() : outcome.describe()));
            }
        }
    }

    /** One composition of a bundle, as Remotion reports it. */
    record Composition(String id, int width, int height, int fps, int durationInFrames) {}

    /**
     * Refuses a manifest that does not describe the bundle: an aspect naming a composition the
     * bundle lacks, or whose size differs from the composition's, or a frame rate or length that
     * differs from a composition's, each named.
     */
    void check(Path bundle, JsonNode manifest, Path chromium, ObjectMapper json)
            throws IOException, InterruptedException {
        List<String> differences = differences(manifest, compositions(bundle, chromium, json));
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(
                    "template.json does not match the bundle's compositions: " + String.join("; ", differences));
        }
    }

    static List<String> differences(JsonNode manifest, List<Composition> compositions) {
        Map<String, Composition> byId = new HashMap<>();
        compositions.forEach(c -> byId.put(c.id(), c));
        List<String> found = new ArrayList<>();
        int fps = manifest.path("fps").asInt();
        int frames = manifest.path("durationInFrames").asInt();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        manifest.path("aspects").properties().iterator();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> aspect = it.next();
            String id = aspect.getValue().path("composition").asText();
            Composition c = byId.get(id);
            if (c == null) {
                found.add("aspect " + aspect.getKey() + " names composition '" + id
                        + "', which the bundle lacks (it has "
                        + compositions.stream().map(Composition::id).sorted().toList() + ")");
                continue;
            }
            int width = aspect.getValue().path("width").asInt();
            int height = aspect.getValue().path("height").asInt();
            if (c.width() != width || c.height() != height) {
                found.add("aspect " + aspect.getKey() + " is " + width + "x" + height + " but composition " + id
                        + " is " + c.width() + "x" + c.height());
            }
            if (c.fps() != fps) {
                found.add("fps is " + fps + " but composition " + id + " runs at " + c.fps());
            }
            if (c.durationInFrames() != frames) {
                found.add("durationInFrames is " + frames + " but composition " + id + " has " + c.durationInFrames());
            }
        }
        return found;
    }

    private List<Composition> compositions(Path bundle, Path chromium, ObjectMapper json)
            throws IOException, InterruptedException {
        AtomicReference<String> listed = new AtomicReference<>();
        run(
                "compositions",
                List.of("--bundle", bundle.toAbsolutePath().toString(), "--browser", chromium.toString()),
                bundle.toAbsolutePath().getParent(),
                Duration.ofMinutes(3),
                "reading the bundle's compositions failed: ",
                line -> {
                    if (line.startsWith("compositions ")) {
                        listed.set(line.substring("compositions ".length()));
                    }
                });
        if (listed.get() == null) {
            throw new IllegalArgumentException(
                    "reading the bundle's compositions failed: compositions.mjs listed none");
        }
        List<Composition> found = new ArrayList<>();
        for (JsonNode c : json.readTree(listed.get())) {
            found.add(new Composition(
                    c.path("id").asText(),
                    c.path("width").asInt(),
                    c.path("height").asInt(),
                    c.path("fps").asInt(),
                    c.path("durationInFrames").asInt()));
        }
        return found;
    }
}
