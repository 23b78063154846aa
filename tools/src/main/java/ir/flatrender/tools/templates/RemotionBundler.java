package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bundles a Remotion template once, at push, with the runner's {@code bundle.mjs}, and checks the
 * manifest against the compositions the bundle really has ({@code compositions.mjs}).
 */
final class RemotionBundler {
    private final Path runner;
    private final Path nodeJs;

    RemotionBundler(Path runner, Path nodeJs) {
        this.runner = requireNonNull(runner, "runner is null");
        this.nodeJs = requireNonNull(nodeJs, "nodeJs is null");
    }

    void bundle(Path entry, Path out, PrintWriter console) throws IOException, InterruptedException {
        if (!Files.isRegularFile(runner.resolve("bundle.mjs"))) {
            throw new IllegalArgumentException("no Remotion runner in " + runner + "; pass --remotion-runner");
        }
        AtomicReference<String> error = new AtomicReference<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(
                            ProcessSpec.of(
                                            "remotion-bundle",
                                            List.of(
                                                    nodeJs.toString(),
                                                    runner.resolve("bundle.mjs").toString(),
                                                    "--entry",
                                                    entry.toAbsolutePath().toString(),
                                                    "--out",
                                                    out.toAbsolutePath().toString()),
                                            entry.toAbsolutePath().getParent())
                                    .withLimits(Duration.ofMinutes(10), Duration.ofMinutes(2), true),
                            line -> {
                                if (line.startsWith("error ")) {
                                    error.compareAndSet(null, line.substring(6));
                                }
                            },
                            line -> {})
                    .await();
            if (!outcome.succeeded()) {
                throw new IllegalArgumentException("bundling the Remotion template failed: "
                        + (error.get() != null ? error.get() : outcome.describe()));
            }
        }
        console.printf("bundled %s%n", entry.getFileName());
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
        AtomicReference<String> error = new AtomicReference<>();
        AtomicReference<String> listed = new AtomicReference<>();
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(
                            ProcessSpec.of(
                                            "remotion-compositions",
                                            List.of(
                                                    nodeJs.toString(),
                                                    runner.resolve("compositions.mjs")
                                                            .toString(),
                                                    "--bundle",
                                                    bundle.toAbsolutePath().toString(),
                                                    "--browser",
                                                    chromium.toString()),
                                            bundle.toAbsolutePath().getParent())
                                    .withLimits(Duration.ofMinutes(3), Duration.ofMinutes(2), true),
                            line -> {
                                if (line.startsWith("error ")) {
                                    error.compareAndSet(null, line.substring(6));
                                } else if (line.startsWith("compositions ")) {
                                    listed.set(line.substring("compositions ".length()));
                                }
                            },
                            line -> {})
                    .await();
            if (!outcome.succeeded() || listed.get() == null) {
                throw new IllegalArgumentException("reading the bundle's compositions failed: "
                        + (error.get() != null ? error.get() : outcome.describe()));
            }
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
