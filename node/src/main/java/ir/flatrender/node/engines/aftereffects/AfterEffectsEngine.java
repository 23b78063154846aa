package ir.flatrender.node.engines.aftereffects;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.media.process.Termination;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.engines.FrameFiles;
import ir.flatrender.node.engines.FrameSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a frame range with After Effects' {@code aerender}: the project and composition
 * from the template, the job's bindings applied by a generated ExtendScript run with
 * {@code -r}, frames written as a PNG sequence through the template's output module, progress
 * read from aerender's {@code PROGRESS:} lines, failure from its exit code and its
 * {@code aerender ERROR} / {@code After Effects error} lines, and every frame checked (a crash
 * can leave a truncated file). Paths and arguments only: the node stays OS-neutral, as AE
 * nodes run Windows and macOS.
 */
public final class AfterEffectsEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(AfterEffectsEngine.class);
    /** {@code PROGRESS:  0:00:00:05 (6): 1 Seconds}: the frame number in brackets. */
    private static final Pattern PROGRESS = Pattern.compile("PROGRESS:\\s+\\S+\\s+\\((\\d+)\\)");

    /** {@code aerender ERROR: …}, {@code aerender SYNTAX ERROR: …}, {@code After Effects error: …}. */
    private static final Pattern ERROR =
            Pattern.compile("aerender( \\w+)? ERROR|After Effects error", Pattern.CASE_INSENSITIVE);

    private static final Pattern DATA_URI = Pattern.compile("data:image/(png|jpeg);base64,(.*)", Pattern.DOTALL);
    private static final Duration DEADLINE = Duration.ofHours(2);
    /** {@code aerender version 24.6x9}: After Effects 2024 is version 24. */
    private static final Pattern VERSION = Pattern.compile("aerender version (\\d{1,3})\\.");
    /** Multi-frame rendering, and aerender's {@code -mfr}, exist from After Effects 2022 on. */
    static final int FIRST_MFR_VERSION = 22;

    private final EngineSettings settings;
    private final ProcessSupervisor supervisor;
    private final Path workDirectory;
    private final int majorVersion;

    /** @param majorVersion what {@link #majorVersion} found */
    public AfterEffectsEngine(
            EngineSettings settings, ProcessSupervisor supervisor, Path workDirectory, int majorVersion) {
        this.majorVersion = majorVersion;
        this.settings = requireNonNull(settings, "settings is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
    }

    /**
     * Asks {@code aerender -version}: its major version (22 is After Effects 2022), or why After
     * Effects cannot be offered.
     */
    public static int majorVersion(Path aerender, ProcessSupervisor supervisor, Path workDirectory)
            throws EngineException, InterruptedException {
        if (!Files.isExecutable(aerender)) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, aerender + " is not an executable program");
        }
        ProcessOutcome outcome;
        try {
            Files.createDirectories(workDirectory);
            outcome = supervisor
                    .start(ProcessSpec.of("aerender-version", List.of(aerender.toString(), "-version"), workDirectory)
                            .withLimits(Duration.ofSeconds(30), Duration.ZERO, true))
                    .await();
        } catch (IOException e) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "aerender could not start: " + e.getMessage());
        }
        if (outcome.succeeded()) {
            for (String line : outcome.logTail()) {
                Matcher version = VERSION.matcher(line);
                if (version.find()) {
                    return Integer.parseInt(version.group(1));
                }
            }
        }
        throw new EngineException(
                FailureKind.LAUNCH_FAILURE, "`aerender -version` did not answer with a version: " + outcome.describe());
    }

    @Override
    public String name() {
        return "aftereffects";
    }

    @Override
    public void render(EngineRequest request, FrameSink sink, BooleanSupplier cancelled)
            throws EngineException, IOException, InterruptedException {
        Path work = Files.createDirectories(
                workDirectory.resolve("aerender-" + request.chunkId() + "-" + request.attempt()));
        try {
            Path frames = Files.createDirectories(work.resolve("frames"));
            Path script = work.resolve("bindings.jsx");
            Files.writeString(
                    script,
                    BindingsScript.generate(request.bindings(), types(request), images(request, work)),
                    StandardCharsets.UTF_8);
            List<String> command = command(settings.aerender().orElseThrow(), request, script, frames, majorVersion);
            AtomicInteger rendered = new AtomicInteger();
            List<String> errors = new ArrayList<>();
            SupervisedProcess process = supervisor.start(
                    ProcessSpec.of("aerender", command, work)
                            // aerender prints a PROGRESS line per frame, and little else.
                            .withLimits(DEADLINE, settings.noProgressTimeout(), true),
                    line -> watch(line, rendered, errors, sink),
                    line -> watch(line, rendered, errors, sink));
            ProcessOutcome outcome = awaitOrKill(process, cancelled);
            if (!outcome.succeeded() || !errors.isEmpty()) {
                throw failure(outcome, errors);
            }
            FrameFiles.feed(
                    FrameFiles.list(frames, request.frameCount()), request.width(), request.height(), sink, cancelled);
            log.debug("aerender rendered {} frame(s) of {}", rendered.get(), request.composition());
        } finally {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    /** aerender's arguments for the chunk: an argument list, no shell, on every OS. */
    static List<String> command(Path aerender, EngineRequest request, Path script, Path frames, int majorVersion)
            throws EngineException {
        JsonNode config = request.manifest().path("aftereffects");
        Path project = request.packageDirectory()
                .resolve(config.path("project").asText())
                .normalize();
        if (!project.startsWith(request.packageDirectory()) || !Files.isRegularFile(project)) {
            throw new EngineException(
                    FailureKind.LAUNCH_FAILURE, "the package has no project " + project.getFileName());
        }
        if (request.composition().isEmpty()) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "no composition for aspect " + request.aspect());
        }
        List<String> command = new ArrayList<>(List.of(
                aerender.toString(),
                "-project",
                project.toString(),
                "-comp",
                request.composition(),
                "-s",
                Integer.toString(request.firstFrame()),
                "-e",
                Integer.toString(request.lastFrame()),
                "-RStemplate",
                config.path("renderSettings").asText("Best Settings"),
                "-OMtemplate",
                config.path("outputModule").asText("PNG Sequence"),
                "-output",
                frames.resolve("frame_[#####].png").toString(),
                "-r",
                script.toString(),
                "-v",
                "ERRORS_AND_PROGRESS",
                "-close",
                "DO_NOT_SAVE_CHANGES"));
        // Older aerenders refuse the flag; a template may turn it off (effects that are not MFR-safe).
        if (majorVersion >= FIRST_MFR_VERSION
                && config.path("multiFrameRendering").asBoolean(true)) {
            command.addAll(List.of("-mfr", "ON", "100"));
        }
        return command;
    }

    private static void watch(String line, AtomicInteger rendered, List<String> errors, FrameSink sink) {
        Matcher progress = PROGRESS.matcher(line);
        if (progress.find()) {
            sink.rendered(rendered.incrementAndGet());
        }
        if (ERROR.matcher(line).find()) {
            synchronized (errors) {
                errors.add(line.strip());
            }
        }
    }

    private static ProcessOutcome awaitOrKill(SupervisedProcess process, BooleanSupplier cancelled)
            throws InterruptedException {
        try {
            return process.await();
        } catch (InterruptedException e) {
            process.kill("cancelled");
            throw e;
        }
    }

    /** What a failed aerender run means, from how it ended, its exit code and its error lines. */
    static EngineException failure(ProcessOutcome outcome, List<String> errors) {
        if (outcome.termination() == Termination.NO_PROGRESS
                || outcome.termination() == Termination.DEADLINE_EXCEEDED) {
            return EngineException.ofProcess(FailureKind.HANG, "aerender " + outcome.reason(), outcome);
        }
        if (outcome.termination() == Termination.KILLED) {
            return EngineException.ofProcess(FailureKind.CANCELLED, "aerender " + outcome.reason(), outcome);
        }
        String first = errors.isEmpty() ? "" : ": " + errors.get(0);
        if (outcome.exitCode() == 0) {
            // aerender can exit 0 having logged an error (a missing font, a plug-in failure).
            return EngineException.ofProcess(FailureKind.BAD_OUTPUT, "aerender reported an error" + first, outcome);
        }
        FailureKind kind = switch (outcome.exitCode()) {
            case 2, 3, 4, 5, 10 -> FailureKind.LAUNCH_FAILURE;
            case 9 -> FailureKind.OUT_OF_MEMORY;
            default -> FailureKind.CRASH;
        };
        return EngineException.ofProcess(
                kind,
                "aerender exited with code " + outcome.exitCode() + " (" + meaning(outcome.exitCode()) + ")" + first,
                outcome);
    }

    /** aerender's documented exit codes. */
    static String meaning(int code) {
        return switch (code) {
            case 1 -> "generic error";
            case 2 -> "bad arguments";
            case 3 -> "project could not be opened";
            case 4 -> "composition not found";
            case 5 -> "render settings or output module template not found";
            case 6 -> "render queue error";
            case 7 -> "output could not be written";
            case 8 -> "missing footage or fonts";
            case 9 -> "out of memory";
            case 10 -> "licence error";
            case 11 -> "render failed";
            default -> code > 128 ? "killed by signal " + (code - 128) : "unknown";
        };
    }

    private static Map<String, String> types(EngineRequest request) {
        Map<String, String> types = new HashMap<>();
        for (JsonNode field : request.manifest().path("bindings")) {
            types.put(field.path("name").asText(), field.path("type").asText("text"));
        }
        return types;
    }

    /** Image bindings as files AE can import: package files as they are, data URIs written out. */
    private static Map<String, Path> images(EngineRequest request, Path work) throws IOException, EngineException {
        Map<String, Path> images = new HashMap<>();
        for (JsonNode field : request.manifest().path("bindings")) {
            if (!field.path("type").asText().equals("image")) {
                continue;
            }
            String name = field.path("name").asText();
            String value = request.bindings().path(name).asText("");
            if (value.isEmpty()) {
                continue;
            }
            Matcher data = DATA_URI.matcher(value);
            if (data.matches()) {
                Path file = work.resolve(name + (data.group(1).equals("png") ? ".png" : ".jpg"));
                Files.write(file, Base64.getDecoder().decode(data.group(2).strip()));
                images.put(name, file);
            } else {
                Path file = request.packageDirectory().resolve(value).normalize();
                if (!file.startsWith(request.packageDirectory())) {
                    throw new EngineException(
                            FailureKind.LAUNCH_FAILURE, "image '" + value + "' is outside the package");
                }
                images.put(name, file);
            }
        }
        return images;
    }
}
