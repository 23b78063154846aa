package ir.flatrender.media.ffmpeg;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the ffmpeg and ffprobe programs are, and the environment they need.
 *
 * <p>By default they come from Maven: bytedeco's ffmpeg build carries both programs and their
 * shared libraries, which JavaCPP extracts to its cache; the programs then need that folder on
 * {@code LD_LIBRARY_PATH}. A configured path (flag or {@code FLATRENDER_FFMPEG}) replaces them,
 * with ffprobe taken from beside it unless configured too.
 *
 * @param ffmpeg the ffmpeg program
 * @param ffprobe the ffprobe program
 * @param environment variables to add when running either
 */
public record FfmpegBinaries(Path ffmpeg, Path ffprobe, Map<String, String> environment) {
    private static final Logger log = LoggerFactory.getLogger(FfmpegBinaries.class);

    public FfmpegBinaries {
        requireNonNull(ffmpeg, "ffmpeg is null");
        requireNonNull(ffprobe, "ffprobe is null");
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    }

    /**
     * Finds the programs: the configured ones when given, else the bundled build.
     *
     * @throws IllegalStateException with a message naming what is missing
     */
    public static FfmpegBinaries locate(Optional<Path> configuredFfmpeg, Optional<Path> configuredFfprobe) {
        requireNonNull(configuredFfmpeg, "configuredFfmpeg is null");
        requireNonNull(configuredFfprobe, "configuredFfprobe is null");
        if (configuredFfmpeg.isPresent()) {
            Path ffmpeg = requireExecutable(configuredFfmpeg.get(), "ffmpeg");
            Path ffprobe = requireExecutable(
                    configuredFfprobe.orElseGet(() -> ffmpeg.resolveSibling(
                            ffmpeg.getFileName().toString().replace("ffmpeg", "ffprobe"))),
                    "ffprobe");
            return new FfmpegBinaries(ffmpeg, ffprobe, Map.of());
        }
        return bundled();
    }

    /** The programs from bytedeco's Maven artifact, extracted to JavaCPP's cache on first use. */
    public static FfmpegBinaries bundled() {
        Path ffmpeg;
        Path ffprobe;
        try {
            ffmpeg = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
            ffprobe = Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    "the bundled ffmpeg is not available for " + Loader.getPlatform() + " (" + e.getMessage()
                            + "); install ffmpeg and pass --ffmpeg PATH or set FLATRENDER_FFMPEG",
                    e);
        }
        // The programs link the libraries extracted beside them.
        Path libraries = ffmpeg.getParent();
        String variable = libraryPathVariable();
        List<String> parts = new ArrayList<>();
        parts.add(libraries.toString());
        Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isBlank()).ifPresent(parts::add);
        log.debug("bundled ffmpeg at {}", ffmpeg);
        return new FfmpegBinaries(
                requireExecutable(ffmpeg, "ffmpeg"),
                requireExecutable(ffprobe, "ffprobe"),
                Map.of(variable, String.join(java.io.File.pathSeparator, parts)));
    }

    private static String libraryPathVariable() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("win")) {
            return "PATH";
        }
        return os.contains("mac") ? "DYLD_LIBRARY_PATH" : "LD_LIBRARY_PATH";
    }

    private static Path requireExecutable(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(what + " not found at " + path);
        }
        if (!Files.isExecutable(path)) {
            // JavaCPP extracts files without the executable bit on some versions.
            if (!path.toFile().setExecutable(true) || !Files.isExecutable(path)) {
                throw new IllegalStateException(what + " at " + path + " is not executable");
            }
        }
        return path.toAbsolutePath();
    }

    /** The ffmpeg program followed by the given arguments. */
    public List<String> ffmpegCommand(List<String> arguments) {
        List<String> command = new ArrayList<>(arguments.size() + 1);
        command.add(ffmpeg.toString());
        command.addAll(arguments);
        return command;
    }

    /** The ffprobe program followed by the given arguments. */
    public List<String> ffprobeCommand(List<String> arguments) {
        List<String> command = new ArrayList<>(arguments.size() + 1);
        command.add(ffprobe.toString());
        command.addAll(arguments);
        return command;
    }
}
