package ir.flatrender.tools.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.node.engines.remotion.RemotionEngine;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.options.EngineOptions;
import ir.flatrender.tools.options.SizeConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flatrender templates seed}: pushes every package of the template pack (each folder of
 * {@code templates/} with a {@code template.json}). A package's sources, plus a {@code pack.json}
 * naming the digests of the shared library and of the lockfile it was bundled against, identify
 * it: when the orchestrator's current version has the same sources, the package is neither
 * bundled nor pushed again.
 */
@Command(
        name = "seed",
        description = "Push every template package of the pack (a folder of package folders and their shared "
                + "library), bundling each Remotion package; packages whose sources the orchestrator already "
                + "has as their current version are skipped. Each template's catalog entry is made by its push; "
                + "the farm then renders the covers (a still per aspect) and the 360p preview the entry lacks "
                + "for its current version (an operator's credential: the farm token).",
        footer = {"", "Examples:", "  flatrender templates seed", "  flatrender templates seed ./templates"})
final class SeedCommand implements Callable<Integer> {
    /** The pack's shared library folder: bundled into each package, never pushed by itself. */
    static final String LIBRARY = "shared";
    /** Written into each pushed package: what, outside its folder, its bundle was made from. */
    static final String PACK_FILE = "pack.json";

    @ParentCommand
    TemplatesCommand parent;

    @Mixin
    ClientOptions client;

    @Mixin
    EngineOptions engines;

    @Mixin
    DependencyCacheOption dependencyCache;

    @Mixin
    Output output;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            defaultValue = "templates",
            description = "The pack's folder (default: ${DEFAULT-VALUE}).")
    Path pack;

    @Option(names = "--tenant", description = "Tenant id (default: the default tenant, whose templates all see).")
    String tenant;

    @Option(
            names = "--max-size",
            defaultValue = "512m",
            converter = SizeConverter.class,
            description = "Refuse packages larger than this (default: ${DEFAULT-VALUE}).")
    DataSize maxSize;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "FOLDER",
            description = "Seed only these package folders of the pack (repeatable or comma-separated).")
    List<String> only;

    @Option(
            names = "--no-media",
            description = "Push only: do not have the farm render the catalog's covers and previews.")
    boolean noMedia;

    /** What happened to one package. */
    record Outcome(String folder, String templateId, int version, String result) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = parent.spec.commandLine().getOut();
        PrintWriter err = parent.spec.commandLine().getErr();
        List<Path> packages = packages(pack);
        if (only != null && !only.isEmpty()) {
            List<String> names =
                    packages.stream().map(p -> p.getFileName().toString()).toList();
            for (String name : only) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException(
                            "--only " + name + ": the pack has no such package folder (it has " + names + ")");
                }
            }
            packages = packages.stream()
                    .filter(p -> only.contains(p.getFileName().toString()))
                    .toList();
        }
        String libraryDigest = treeDigest(pack.resolve(LIBRARY));
        String lockDigest = fileDigest(pack.resolve("package-lock.json"));
        if (!Files.isDirectory(pack.resolve("node_modules"))) {
            throw new IllegalArgumentException(
                    pack + " has no node_modules: run `npm ci` there first (its packages are bundled in)");
        }
        ManagedChannel channel = client.channel();
        int failures = 0;
        int exit = ExitCodes.OK;
        // With -o json, standard output carries only the answer; the bundler's progress goes to stderr.
        PrintWriter progress = output.json() ? err : out;
        ObjectNode answer = parent.root.json().createObjectNode();
        ArrayNode seeded = answer.putArray("packages");
        ArrayNode failed = answer.putArray("failed");
        try {
            TemplateClient templates = new TemplateClient(channel, Duration.ofSeconds(30));
            CatalogMediaSeeder media = new CatalogMediaSeeder(channel, tenant == null ? "" : tenant, progress);
            for (Path folder : packages) {
                try {
                    Outcome outcome = seed(templates, folder, libraryDigest, lockDigest, progress);
                    ObjectNode row = seeded.addObject()
                            .put("folder", outcome.folder())
                            .put("template_id", outcome.templateId())
                            .put("version", outcome.version())
                            .put("result", outcome.result());
                    if (!output.json()) {
                        out.printf(
                                "%-20s %-20s version %d %s%n",
                                outcome.folder(), outcome.templateId(), outcome.version(), outcome.result());
                        out.flush();
                    }
                    if (!noMedia) {
                        // The catalog entry came with the push; its covers and preview come from the farm.
                        CatalogMediaSeeder.Rendered rendered = media.seed(outcome.templateId());
                        row.put("covers_rendered", rendered.covers()).put("previews_rendered", rendered.previews());
                    }
                } catch (RuntimeException e) {
                    failures++;
                    exit = exit == ExitCodes.OK ? ExitCodes.of(e) : exit;
                    failed.addObject()
                            .put("folder", folder.getFileName().toString())
                            .put("error", ExitCodes.message(e));
                    err.printf("%s: %s%n", folder.getFileName(), ExitCodes.message(e));
                }
                out.flush();
                err.flush();
            }
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (output.json()) {
            out.println(parent.root.json().writeValueAsString(answer));
        } else {
            out.printf("%d package(s), %d failed%n", packages.size(), failures);
        }
        out.flush();
        err.flush();
        return exit;
    }

    private Outcome seed(
            TemplateClient templates, Path folder, String libraryDigest, String lockDigest, PrintWriter out)
            throws Exception {
        JsonNode manifest = parent.root
                .json()
                .readTree(folder.resolve(TemplatePackage.MANIFEST).toFile());
        String id = manifest.path("id").asText();
        String name = folder.getFileName().toString();
        Path staging = Files.createTempDirectory("flatrender-seed-");
        try {
            stage(folder, staging);
            ObjectNode packFile = parent.root.json().createObjectNode();
            packFile.putObject("library").put("folder", LIBRARY).put("sha256", libraryDigest);
            packFile.putObject("lockfile").put("sha256", lockDigest);
            Files.writeString(
                    staging.resolve(PACK_FILE),
                    parent.root.json().writerWithDefaultPrettyPrinter().writeValueAsString(packFile) + "\n",
                    StandardCharsets.UTF_8);
            // The digest the orchestrator will compute over the package's sources (all but the bundle).
            String sources = TemplatePackage.fromDirectory(staging, maxSize.toBytes())
                    .zipDigest()
                    .sha256();
            Optional<Template> current = current(templates, id);
            if (current.isPresent()
                    && current.get().getSourceSha256().equals(sources)
                    && (noMedia || catalogued(templates, id))) {
                return new Outcome(name, id, current.get().getVersion(), "unchanged");
            }
            boolean remotion = manifest.path("engine").asText().equals("remotion");
            if (remotion) {
                var settings = engines.settings();
                Path runner = settings.remotionRunner()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "bundling a Remotion template needs the runner: pass --remotion-runner"));
                Path nodeJs = settings.nodeJs().orElse(Path.of("node"));
                String entry = manifest.path("remotion").path("entry").asText();
                new RemotionBundler(runner, nodeJs, dependencyCache.directory())
                        .bundleChecked(
                                folder.resolve(entry),
                                staging.resolve("bundle"),
                                manifest,
                                settings.chromium().orElse(RemotionEngine.DEFAULT_CHROMIUM),
                                parent.root.json(),
                                out);
            }
            PushTemplateResponse pushed = templates.push(
                    TemplatePackage.fromDirectory(staging, maxSize.toBytes()).toZip(), tenant == null ? "" : tenant);
            return new Outcome(
                    name,
                    pushed.getTemplate().getId(),
                    pushed.getTemplate().getVersion(),
                    pushed.getCreated() ? "pushed" : "unchanged");
        } finally {
            MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    /**
     * Whether the template has its catalog entry; one installed before the catalog existed gets it
     * when its sources are pushed again (the orchestrator then changes nothing else).
     */
    private boolean catalogued(TemplateClient templates, String id) {
        try {
            templates.catalogEntry(id, tenant == null ? "" : tenant);
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static Optional<Template> current(TemplateClient templates, String id) {
        try {
            return Optional.of(templates.get(id, 0));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The package folders of a pack, by name: its folders with a template.json. */
    static List<Path> packages(Path pack) throws IOException {
        if (!Files.isDirectory(pack)) {
            throw new IllegalArgumentException(pack + " is not a folder");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(pack)) {
            children.filter(child -> Files.isRegularFile(child.resolve(TemplatePackage.MANIFEST)))
                    .sorted()
                    .forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(pack + " holds no package folder (none has a template.json)");
        }
        return found;
    }

    private static boolean skipped(String name) {
        return name.equals("node_modules")
                || name.startsWith("node_modules/")
                || name.contains("/node_modules/")
                || name.endsWith("/node_modules")
                || name.equals(".git")
                || name.startsWith(".git/");
    }

    /** Copies a package folder's sources (no dependencies, no earlier bundle) to the staging folder. */
    private static void stage(Path folder, Path staging) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = folder.relativize(file).toString().replace('\\', '/');
                if (name.isEmpty() || skipped(name) || name.equals("bundle") || name.startsWith("bundle/")) {
                    continue;
                }
                Path target = staging.resolve(name);
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
        }
    }

    /** sha256 over a folder's files (sorted names, each name and its bytes), dependencies left out. */
    static String treeDigest(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is missing: the pack's shared library");
        }
        MessageDigest sha256 = sha256();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(file -> !skipped(folder.relativize(file).toString().replace('\\', '/')))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            sha256.update(folder.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha256.update(buffer, 0, n);
                }
            }
            sha256.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static String fileDigest(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing: the pack's lockfile");
        }
        return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
