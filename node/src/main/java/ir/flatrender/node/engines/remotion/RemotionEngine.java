package ir.flatrender.node.engines.remotion;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.engines.FrameFiles;
import ir.flatrender.node.engines.FrameSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a frame range of a Remotion template with the runner in {@code node/remotion}: the
 * package's pre-built bundle, the job's bindings as input props (under their {@code prop} names,
 * {@link RemotionProps}), the system Chromium. The
 * runner writes PNG frames and prints {@code progress} lines (each one counts as progress for
 * the watchdog) and one {@code error} line on failure; the frames then go to the same segment
 * encoder as every engine.
 */
public final class RemotionEngine implements Engine {
    private static final Duration DEADLINE = Duration.ofHours(2);
    /** The runner's {@code progress <rendered> <total>} line of {@code frames.mjs}. */
    private static final Pattern PROGRESS = Pattern.compile("progress (\\d{1,9}) \\d{1,9}");

    public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");

    /** What the WebGL probe may take, the browser's start included. */
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(90);

    private final EngineSettings settings;
    private final ProcessSupervisor supervisor;
    private final ObjectMapper json;
    private final Path workDirectory;
    private final Set<String> capabilities;

    public RemotionEngine(
            EngineSettings settings, ProcessSupervisor supervisor, ObjectMapper json, Path workDirectory) {
        this(settings, supervisor, json, workDirectory, Set.of());
    }

    /** @param capabilities what {@link #probeWebGl} found: {@code webgl}, or nothing */
    public RemotionEngine(
            EngineSettings settings,
            ProcessSupervisor supervisor,
            ObjectMapper json,
            Path workDirectory,
            Set<String> capabilities) {
        this.settings = requireNonNull(settings, "settings is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.json = requireNonNull(json, "json is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public Set<String> capabilities() {
        return capabilities;
    }

    /** What the WebGL probe found: the context's renderer, or why there is none. */
    public record WebGl(boolean available, String description) {}

    /**
     * Asks Chromium, opened exactly as the renderer opens it (the runner's {@code webgl.mjs},
     * with this node's {@code gl}), for a WebGL context that draws: a 3D template needs one.
     */
    public static WebGl probeWebGl(EngineSettings settings, ProcessSupervisor supervisor, Path workDirectory)
            throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                nodeJs(settings).orElseThrow().toString(),
                settings.remotionRunner().orElseThrow().resolve("webgl.mjs").toString(),
                "--browser",
                settings.chromium().orElse(DEFAULT_CHROMIUM).toString()));
        settings.gl().ifPresent(gl -> command.addAll(List.of("--gl", gl)));
        AtomicReference<WebGl> answer = new AtomicReference<>();
        AtomicReference<String> error = new AtomicReference<>();
        try {
            SupervisedProcess process = supervisor.start(
                    ProcessSpec.of("remotion-webgl", command, workDirectory)
                            .withLimits(PROBE_DEADLINE, PROBE_DEADLINE, true),
                    line -> {
                        if (line.startsWith("webgl ")) {
                            answer.set(new WebGl(true, line.substring("webgl ".length())));
                        } else if (line.startsWith("no-webgl ")) {
                            answer.set(new WebGl(false, line.substring("no-webgl ".length())));
                        } else if (line.startsWith("error ")) {
                            error.compareAndSet(null, line.substring("error ".length()));
                        }
                    },
                    line -> {});
            ProcessOutcome outcome = process.await();
            if (answer.get() != null && outcome.succeeded()) {
                return answer.get();
            }
            return new WebGl(false, "the probe failed: " + (error.get() != null ? error.get() : outcome.describe()));
        } catch (IOException e) {
            return new WebGl(false, "the probe did not start: " + e.getMessage());
        }
    }

    /** Empty when Remotion can run here, else why it cannot. */
    public static Optional<String> check(EngineSettings settings) {
        Path runner = settings.remotionRunner().orElseThrow();
        if (!Files.isRegularFile(runner.resolve("frames.mjs"))) {
            return Optional.of("no Remotion runner in " + runner);
        }
        if (!Files.isDirectory(runner.resolve("node_modules/@remotion/renderer"))) {
            return Optional.of("the runner's packages are not installed (run `npm ci` in " + runner + ")");
        }
        Path browser = settings.chromium().orElse(DEFAULT_CHROMIUM);
        if (!Files.isExecutable(browser)) {
            return Optional.of("no Chromium at " + browser + " (install Debian's chromium or pass --chromium)");
        }
        Optional<Path> node = nodeJs(settings);
        if (node.isEmpty()) {
            return Optional.of("no Node.js program found (install nodejs or pass --node)");
        }
        return Optional.empty();
    }

    private static Optional<Path> nodeJs(EngineSettings settings) {
        if (settings.nodeJs().isPresent()) {
            return settings.nodeJs().filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String directory : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, "node");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "remotion";
    }

    @Override
    public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException {
        Path work = Files.createDirectories(
                workDirectory.resolve("remotion-" + request.chunkId() + "-" + request.attempt()));
        try {
            Path frames = Files.createDirectories(work.resolve("frames"));
            List<String> arguments = new ArrayList<>(common(request, work));
            arguments.addAll(List.of(
                    "--from", Integer.toString(request.firstFrame()),
                    "--to", Integer.toString(request.lastFrame()),
                    "--out", frames.toString(),
                    "--concurrency", "1"));
            run("frames.mjs", arguments, work, cancelled, sink::rendered);
            FrameFiles.feed(
                    FrameFiles.list(frames, request.frameCount()), request.width(), request.height(), sink, cancelled);
        } finally {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    @Override
    public void renderAudio(EngineRequest request, Path wav, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException {
        Path work = Files.createDirectories(
                workDirectory.resolve("remotion-audio-" + request.chunkId() + "-" + request.attempt()));
        try {
            List<String> arguments = new ArrayList<>(common(request, work));
            // The audio task covers the job's whole range: one pass, no seams.
            arguments.addAll(List.of(
                    "--from", Integer.toString(request.firstFrame()),
                    "--to", Integer.toString(request.lastFrame()),
                    "--out", wav.toAbsolutePath().toString()));
            run("audio.mjs", arguments, work, cancelled, frames -> {});
        } finally {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private List<String> common(EngineRequest request, Path work) throws IOException, EngineException {
        Path bundle = request.packageDirectory().resolve("bundle");
        if (!Files.isRegularFile(bundle.resolve("index.html"))) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "the package has no Remotion bundle");
        }
        if (request.composition().isEmpty()) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "no composition for aspect " + request.aspect());
        }
        Path props = work.resolve("props.json");
        json.writeValue(props.toFile(), RemotionProps.of(request.manifest(), request.bindings()));
        return List.of(
                "--bundle", bundle.toString(),
                "--composition", request.composition(),
                "--props", props.toString(),
                "--browser", settings.chromium().orElse(DEFAULT_CHROMIUM).toString(),
                "--gl", settings.gl().orElse("null"));
    }

    private void run(String script, List<String> arguments, Path work, BooleanSupplier cancelled, IntConsumer rendered)
            throws EngineException, IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(nodeJs(settings).orElseThrow().toString());
        command.add(settings.remotionRunner().orElseThrow().resolve(script).toString());
        command.addAll(arguments);
        AtomicReference<String> error = new AtomicReference<>();
        SupervisedProcess process = supervisor.start(
                ProcessSpec.of("remotion-" + script.replace(".mjs", ""), command, work)
                        .withLimits(DEADLINE, settings.noProgressTimeout(), true),
                line -> {
                    Matcher progress = PROGRESS.matcher(line);
                    if (progress.matches()) {
                        rendered.accept(Integer.parseInt(progress.group(1)));
                    } else if (line.startsWith("error ")) {
                        error.compareAndSet(null, line.substring("error ".length()));
                    }
                },
                line -> {});
        ProcessOutcome outcome;
        try {
            outcome = process.await();
        } catch (InterruptedException e) {
            process.kill("cancelled");
            throw e;
        }
        if (cancelled.getAsBoolean()) {
            throw new InterruptedException("cancelled");
        }
        if (!outcome.succeeded()) {
            FailureKind kind = switch (outcome.termination()) {
                case NO_PROGRESS, DEADLINE_EXCEEDED -> FailureKind.HANG;
                case KILLED -> FailureKind.CANCELLED;
                case EXITED ->
                    outcome.logTail().stream().anyMatch(l -> l.contains("heap out of memory"))
                            ? FailureKind.OUT_OF_MEMORY
                            : FailureKind.CRASH;
            };
            String reason = error.get() != null ? error.get() : outcome.describe();
            throw EngineException.ofProcess(kind, "remotion " + script + ": " + reason, outcome);
        }
    }
}
