package ir.flatrender.tools.processes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.templates.TemplateClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code dev}'s first start: when the catalog holds none of the pack's templates, the pack is
 * seeded ({@code templates seed}: pushed, then covers and previews rendered by this farm) on a
 * thread of its own while the farm runs, its progress printed as it goes. Later starts find the
 * pack's templates in the catalog and leave it alone ({@code templates seed} tops it up).
 */
final class PackSeeding {
    private PackSeeding() {}

    /** Why the pack is not seeded now, or empty when seeding was started. */
    static Optional<String> startIfEmpty(
            Path pack, String target, String token, EngineSettings engines, ObjectMapper json, PrintWriter out) {
        requireNonNull(pack, "pack is null");
        List<String> ids;
        try {
            ids = templateIds(pack, json);
        } catch (IOException e) {
            return Optional.of("cannot read the pack in " + pack + ": " + e.getMessage());
        }
        if (ids.isEmpty()) {
            return Optional.of(pack + " holds no template package");
        }
        if (!Files.isDirectory(pack.resolve("node_modules"))) {
            return Optional.of("the pack's packages are not installed: run npm ci in " + pack);
        }
        if (engines.remotionRunner().isEmpty()) {
            return Optional.of("Remotion is not set up (--remotion-runner)");
        }
        Set<String> catalogued;
        ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(authorization(token)))
                .build();
        try {
            catalogued = new TemplateClient(channel, Duration.ofSeconds(30))
                    .catalog("").getEntriesList().stream()
                            .map(CatalogEntry::getTemplateId)
                            .collect(Collectors.toSet());
        } finally {
            channel.shutdownNow();
        }
        if (ids.stream().anyMatch(catalogued::contains)) {
            return Optional.of("the catalog has the pack already (flatrender templates seed tops it up)");
        }
        List<String> args = new ArrayList<>(List.of(
                "templates",
                "seed",
                pack.toString(),
                "--orchestrator",
                target,
                // One argument: a token of an older data directory may start with '-'.
                "--token=" + token,
                "--remotion-runner",
                engines.remotionRunner().get().toString()));
        engines.chromium().ifPresent(chromium -> args.addAll(List.of("--chromium", chromium.toString())));
        engines.nodeJs().ifPresent(node -> args.addAll(List.of("--node-js", node.toString())));
        Thread seeding = new Thread(
                () -> {
                    out.printf(
                            "Seeding the template pack from %s into the catalog (%d templates)...%n", pack, ids.size());
                    out.flush();
                    int code = FlatRender.run(out, out, false, args.toArray(String[]::new));
                    out.printf(
                            "Template pack %s%n",
                            code == 0
                                    ? "seeded"
                                    : "seeding failed (exit " + code + "); flatrender templates seed retries");
                    out.flush();
                },
                "pack-seeding");
        seeding.setDaemon(true);
        seeding.start();
        return Optional.empty();
    }

    private static io.grpc.Metadata authorization(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(
                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return headers;
    }

    private static List<String> templateIds(Path pack, ObjectMapper json) throws IOException {
        if (!Files.isDirectory(pack)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> children = Files.list(pack)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                Path manifest = child.resolve("template.json");
                if (Files.isRegularFile(manifest)) {
                    ids.add(json.readTree(manifest.toFile()).path("id").asText());
                }
            }
        }
        return ids;
    }
}
