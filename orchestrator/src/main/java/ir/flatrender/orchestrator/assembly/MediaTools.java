package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.process.ProcessSupervisor;

/** The media programs assembly runs: ffmpeg (under the supervisor) and ffprobe. */
public record MediaTools(FfmpegBinaries ffmpeg, ProcessSupervisor supervisor, Ffprobe ffprobe) {
    public MediaTools {
        requireNonNull(ffmpeg, "ffmpeg is null");
        requireNonNull(supervisor, "supervisor is null");
        requireNonNull(ffprobe, "ffprobe is null");
    }
}
