package ir.flatrender.tools.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.ManagedChannel;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.node.engines.remotion.RemotionEngine;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.ListTemplatesResponse;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.proto.farm.v1.TemplateCacheEntry;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.options.EngineOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "templates",
        description = "Push, list and show template packages.",
        subcommands = {
            TemplatesCommand.Push.class,
            TemplatesCommand.List.class,
            TemplatesCommand.Show.class,
            SeedCommand.class,
            CheckCommand.class
        })
public final class TemplatesCommand implements Runnable {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Files never sent from a package folder: dependencies and what the push makes again. */
    private static boolean sendable(String name) {
        return !name.startsWith("node_modules/") && !name.startsWith(".git/") && !name.contains("/node_modules/");
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "push",
            description = "Upload a template package (a folder or a zip with template.json). Pushing the same content "
                    + "again changes nothing. A Remotion template folder is bundled first.",
            footer = {
                "",
                "Examples:",
                "  flatrender templates push ./my-template",
                "  flatrender templates push promo.zip"
            })
    static final class Push implements Callable<Integer> {
        @ParentCommand
        TemplatesCommand parent;

        @Mixin
        ClientOptions client;

        @Mixin
        EngineOptions engines;

        @Mixin
        DependencyCacheOption dependencyCache;

        @Parameters(paramLabel = "DIR|ZIP", description = "The package folder or zip.")
        Path source;

        @Option(names = "--tenant", description = "Tenant id (default: the default tenant).")
        String tenant;

        @Option(
                names = "--max-size",
                defaultValue = "512m",
                converter = ir.flatrender.tools.options.SizeConverter.class,
                description = "Refuse packages larger than this (default: ${DEFAULT-VALUE}).")
        DataSize maxSize;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            byte[] zip;
            if (Files.isDirectory(source)) {
                zip = folder(source, out);
            } else if (Files.isRegularFile(source)) {
                if (Files.size(source) > maxSize.toBytes()) {
                    throw new IllegalArgumentException(source + " is larger than " + maxSize.toBytes() + " bytes");
                }
                zip = Files.readAllBytes(source);
            } else {
                throw new IllegalArgumentException(source + " is neither a folder nor a file");
            }
            ManagedChannel channel = client.channel();
            try {
                PushTemplateResponse response =
                        new TemplateClient(channel, Duration.ofSeconds(30)).push(zip, tenant == null ? "" : tenant);
                Template template = response.getTemplate();
                if (output.json()) {
                    out.println(Output.json(response));
                } else {
                    out.printf(
                            "template %s version %d %s (%s, package %s, %d bytes)%n",
                            template.getId(),
                            template.getVersion(),
                            response.getCreated() ? "pushed" : "unchanged: the same content is already this version",
                            template.getEngine(),
                            template.getPackageSha256().substring(0, 12),
                            template.getPackageBytes());
                }
                out.flush();
                return 0;
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        private byte[] folder(Path directory, PrintWriter out) throws IOException, InterruptedException {
            Path manifest = directory.resolve(TemplatePackage.MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                throw new IllegalArgumentException(directory + " has no " + TemplatePackage.MANIFEST);
            }
            JsonNode root = parent.root.json().readTree(manifest.toFile());
            if (!root.path("engine").asText().equals("remotion")) {
                return TemplatePackage.fromDirectory(directory, maxSize.toBytes())
                        .subset(TemplatesCommand::sendable)
                        .toZip();
            }
            // Remotion: bundle the sources into a copy of the folder, whose bundle/ nodes render from.
            Path staging = Files.createTempDirectory("flatrender-push-");
            try {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        String name = directory.relativize(file).toString().replace('\\', '/');
                        if (name.isEmpty()
                                || !sendable(name + (Files.isDirectory(file) ? "/" : ""))
                                || name.startsWith("bundle")) {
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
                String entry = root.path("remotion").path("entry").asText();
                var settings = engines.settings();
                Path runner = settings.remotionRunner()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "bundling a Remotion template needs the runner: pass --remotion-runner"));
                Path nodeJs = settings.nodeJs().orElse(Path.of("node"));
                new RemotionBundler(runner, nodeJs, dependencyCache.directory())
                        .bundleChecked(
                                directory.resolve(entry),
                                staging.resolve("bundle"),
                                root,
                                settings.chromium().orElse(RemotionEngine.DEFAULT_CHROMIUM),
                                parent.root.json(),
                                out);
                return TemplatePackage.fromDirectory(staging, maxSize.toBytes()).toZip();
            } finally {
                MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List templates (their current versions).")
    static final class List implements Callable<Integer> {
        @ParentCommand
        TemplatesCommand parent;

        @Mixin
        ClientOptions client;

        @Option(names = "--engine", defaultValue = "", description = "Only templates of this engine.")
        String engine;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            ManagedChannel channel = client.channel();
            try {
                java.util.List<Template> templates = new TemplateClient(channel, Duration.ofSeconds(30)).list(engine);
                if (output.json()) {
                    out.println(Output.json(ListTemplatesResponse.newBuilder().addAllTemplates(templates)));
                } else {
                    out.printf(
                            "%-24s %7s  %-12s %5s %7s  %-16s %s%n",
                            "ID", "VERSION", "ENGINE", "FPS", "FRAMES", "ASPECTS", "NAME");
                    for (Template template : templates) {
                        out.printf(
                                "%-24s %7d  %-12s %5d %7d  %-16s %s%n",
                                template.getId(),
                                template.getVersion(),
                                template.getEngine(),
                                template.getFps(),
                                template.getDurationFrames(),
                                template.getAspectsList().stream()
                                        .map(TemplateAspect::getAspect)
                                        .collect(Collectors.joining(",")),
                                template.getNameEn().isEmpty() ? template.getNameFa() : template.getNameEn());
                    }
                }
                out.flush();
                return 0;
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    // Not the standard help mixin: its --version would take the place of the template's --version.
    @Command(
            name = "show",
            description = "Show a template: aspects, bindings, and the nodes holding it in their cache.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        TemplatesCommand parent;

        @Mixin
        ClientOptions client;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean help;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--version", defaultValue = "0", description = "A version (default: the current one).")
        int version;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            ManagedChannel channel = client.channel();
            try {
                Template template = new TemplateClient(channel, Duration.ofSeconds(30)).get(id, version);
                if (output.json()) {
                    out.println(Output.json(template));
                    out.flush();
                    return 0;
                }
                out.printf("id:        %s%n", template.getId());
                out.printf("version:   %d%s%n", template.getVersion(), template.getCurrent() ? " (current)" : "");
                out.printf("name:      %s / %s%n", template.getNameEn(), template.getNameFa());
                out.printf(
                        "engine:    %s, %d fps, %d frames%n",
                        template.getEngine(), template.getFps(), template.getDurationFrames());
                for (TemplateAspect aspect : template.getAspectsList()) {
                    out.printf(
                            "aspect:    %-5s %dx%d%s%n",
                            aspect.getAspect(),
                            aspect.getWidth(),
                            aspect.getHeight(),
                            aspect.getComposition().isEmpty() ? "" : " (" + aspect.getComposition() + ")");
                }
                out.printf("package:   %s (%d bytes)%n", template.getPackageSha256(), template.getPackageBytes());
                out.printf("render:    %s (%d bytes)%n", template.getRenderSha256(), template.getRenderBytes());
                for (JsonNode field : parent.root.json().readTree(template.getBindingsJson())) {
                    out.printf(
                            "binding:   %-16s %-6s %s%n",
                            field.path("name").asText(),
                            field.path("type").asText(),
                            field.has("default") ? "default " + field.path("default") : "required");
                }
                if (template.getCachedOnCount() == 0) {
                    out.println("cached on: no node");
                }
                for (TemplateCacheEntry entry : template.getCachedOnList()) {
                    out.printf(
                            "cached on: %-16s %d bytes, %d hit(s)%n",
                            entry.getNodeName(), entry.getSizeBytes(), entry.getHits());
                }
                out.flush();
                return 0;
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
