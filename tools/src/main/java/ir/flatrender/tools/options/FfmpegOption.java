package ir.flatrender.tools.options;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which ffmpeg to run. */
public final class FfmpegOption {
    @Option(
            names = "--ffmpeg",
            defaultValue = "${env:FLATRENDER_FFMPEG}",
            description = "ffmpeg program to use instead of the bundled one (env FLATRENDER_FFMPEG); "
                    + "ffprobe is taken from beside it.")
    Path ffmpeg;

    public Optional<Path> path() {
        return Optional.ofNullable(ffmpeg);
    }
}
