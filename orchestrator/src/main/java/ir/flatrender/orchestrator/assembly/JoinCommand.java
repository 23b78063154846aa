package ir.flatrender.orchestrator.assembly;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one ffmpeg command that joins a tier's segments (MPEG-TS, back to back on stdin) into an MP4
 * without re-encoding the picture, mixing the job's sound into it in the same pass: pure, so the
 * filter graph is tested without running it.
 */
final class JoinCommand {
    static final int AUDIO_RATE = 48_000;

    private JoinCommand() {}

    /** The ffmpeg arguments that join segments (on stdin) and mix the tracks into {@code video}. */
    static List<String> arguments(List<AudioSources.Track> tracks, double seconds, Path video) {
        List<String> args =
                new ArrayList<>(List.of("-hide_banner", "-loglevel", "error", "-f", "mpegts", "-i", "pipe:0"));
        for (AudioSources.Track track : tracks) {
            args.addAll(List.of("-i", track.file().toString()));
        }
        args.addAll(List.of("-map", "0:v:0", "-c:v", "copy"));
        if (tracks.isEmpty()) {
            args.add("-an");
        } else {
            String duration = String.format(Locale.ROOT, "%.6f", seconds);
            StringBuilder graph = new StringBuilder();
            for (int i = 0; i < tracks.size(); i++) {
                AudioSources.Track track = tracks.get(i);
                long delay = Math.round(track.startSeconds() * 1000);
                // A mono track plays at its own level on both sides; ffmpeg's own upmix would
                // put it 3 dB down on each, and a volume of 0.3 would sound like 0.21.
                String stereo = track.channels() == 1 ? "pan=stereo|c0=c0|c1=c0" : "aformat=channel_layouts=stereo";
                graph.append(String.format(
                        Locale.ROOT,
                        "[%d:a]aresample=%d,%s,volume=%.4f,adelay=%d:all=1[a%d];",
                        i + 1,
                        AUDIO_RATE,
                        stereo,
                        track.volume(),
                        delay,
                        i));
            }
            for (int i = 0; i < tracks.size(); i++) {
                graph.append("[a").append(i).append(']');
            }
            // Mixed at their own levels (no normalising), then padded with silence or cut so the
            // sound lasts exactly as long as the picture.
            graph.append(String.format(
                    Locale.ROOT,
                    "amix=inputs=%d:duration=longest:normalize=0,apad,atrim=end=%s,asetpts=N/SR/TB[mix]",
                    tracks.size(),
                    duration));
            args.addAll(List.of(
                    "-filter_complex",
                    graph.toString(),
                    "-map",
                    "[mix]",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "192k",
                    "-ar",
                    Integer.toString(AUDIO_RATE)));
        }
        args.addAll(List.of("-movflags", "+faststart", "-f", "mp4", "-y", video.toString()));
        return args;
    }
}
