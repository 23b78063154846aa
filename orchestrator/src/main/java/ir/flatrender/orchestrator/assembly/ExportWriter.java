package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.orchestrator.jobs.ExportRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a tier's finished video from its segments: the job's sound resolved ({@link
 * AudioSources}), one ffmpeg joining the segments and mixing the sound ({@link JoinCommand}), the
 * result checked with ffprobe (frame count, size, duration, the sound's length), a thumbnail, and
 * both stored, read back as the export's row.
 */
final class ExportWriter {
    private static final Logger log = LoggerFactory.getLogger(ExportWriter.class);
    private static final Duration FFMPEG_DEADLINE = Duration.ofMinutes(30);
    private static final Duration FFMPEG_NO_PROGRESS = Duration.ofMinutes(2);
    /** One AAC frame at 48 kHz: how far the sound's length may be from the picture's. */
    private static final long AUDIO_FRAME_MILLIS = Math.round(1024 * 1000.0 / JoinCommand.AUDIO_RATE) + 1;

    private final BlobStore blobs;
    private final MediaTools media;
    private final AudioSources audio;

    ExportWriter(BlobStore blobs, MediaTools media, TemplateCatalog templates) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.media = requireNonNull(media, "media is null");
        this.audio = new AudioSources(blobs, requireNonNull(templates, "templates is null"), media.ffprobe());
    }

    /** The job's sound: its template's, its own tracks, and what its audio chunk rendered. */
    List<AudioSources.Track> tracks(JobRow job, List<String> renderedAudio, Path directory)
            throws IOException, InterruptedException, MediaException {
        return audio.resolve(job, renderedAudio, directory);
    }

    /** Checks the joined {@code video} ({@code probed}: its streams, frames counted by packet), makes its thumbnail and stores both. */
    ExportRow export(
            JobRow job, Output output, Path video, MediaInfo probed, List<AudioSources.Track> tracks, Path directory)
            throws IOException, InterruptedException, AssemblyException, MediaException {
        MediaInfo info = verify(job, output, probed, !tracks.isEmpty());
        Path thumbnail = directory.resolve(output.tier() + ".jpg");
        thumbnail(video, thumbnailSeek(job.totalFrames(), job.fps()), thumbnail, directory);
        String videoKey = "exports/" + job.id() + "/" + output.tier() + ".mp4";
        String thumbnailKey = "exports/" + job.id() + "/" + output.tier() + ".jpg";
        String sha256 = store(video, videoKey);
        store(thumbnail, thumbnailKey);
        MediaInfo.VideoStream stream = info.video().orElseThrow();
        return new ExportRow(
                UUID.randomUUID(),
                job.id(),
                output.tier(),
                videoKey,
                Files.size(video),
                stream.width(),
                stream.height(),
                stream.frameCount(),
                info.durationMillis(),
                stream.codec(),
                thumbnailKey,
                sha256,
                info.audio().isPresent(),
                info.audio().map(MediaInfo.AudioStream::durationMillis).orElse(null),
                Instant.now());
    }

    /** The joined video's streams (frames counted by packet) and its video packets' times, in one probe. */
    ir.flatrender.media.ffmpeg.Ffprobe.ProbedVideo probe(Path video) throws MediaException {
        return media.ffprobe().probeWithVideoPacketTimes(video);
    }

    /** Joins the segments into {@code video}; answers why ffmpeg could not, when it could not. */
    Optional<String> join(
            List<String> segments, List<AudioSources.Track> tracks, double seconds, Path video, Path directory)
            throws IOException, InterruptedException {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-join",
                        media.ffmpeg().ffmpegCommand(JoinCommand.arguments(tracks, seconds, video)),
                        directory)
                .withEnvironment(media.ffmpeg().environment())
                .withStdin()
                .withLimits(FFMPEG_DEADLINE, FFMPEG_NO_PROGRESS, false);
        SupervisedProcess process = media.supervisor().start(spec);
        try (OutputStream stdin = process.stdin()) {
            byte[] buffer = new byte[1 << 16];
            for (String key : segments) {
                try (InputStream segment = blobs.open(key, 0)) {
                    int read;
                    while ((read = segment.read(buffer)) > 0) {
                        stdin.write(buffer, 0, read);
                        process.reportProgress();
                    }
                }
            }
        } catch (IOException e) {
            // ffmpeg closed its input early; its own message says why.
            log.debug("join input closed early: {}", e.getMessage());
        }
        ProcessOutcome outcome = process.await();
        return outcome.succeeded()
                ? Optional.empty()
                : Optional.of("ffmpeg could not join the segments: " + outcome.describe());
    }

    private static MediaInfo verify(JobRow job, Output output, MediaInfo info, boolean withAudio)
            throws AssemblyException {
        // Packets, not decoded frames: the join copies streams, every segment is decoded in full
        // apart (SegmentDecodes), and the export check reads each packet's time.
        MediaInfo.VideoStream stream =
                info.video().orElseThrow(() -> new AssemblyException("the joined file has no video stream"));
        if (stream.frameCount() != job.totalFrames()) {
            throw new AssemblyException(
                    "the joined video has " + stream.frameCount() + " frames; the job planned " + job.totalFrames());
        }
        if (stream.width() != output.width() || stream.height() != output.height()) {
            throw new AssemblyException("the joined video is " + stream.width() + "x" + stream.height()
                    + "; the job asked for " + output.width() + "x" + output.height());
        }
        long expectedMillis = Math.round(job.totalFrames() * 1000.0 / job.fps());
        if (Math.abs(info.durationMillis() - expectedMillis) > Math.ceil(1000.0 / job.fps())) {
            throw new AssemblyException(String.format(
                    Locale.ROOT,
                    "the joined video lasts %d ms; %d frames at %d fps last %d ms",
                    info.durationMillis(),
                    job.totalFrames(),
                    job.fps(),
                    expectedMillis));
        }
        if (withAudio) {
            MediaInfo.AudioStream sound = info.audio().orElseThrow(() -> new AssemblyException("the sound was lost"));
            if (Math.abs(sound.durationMillis() - expectedMillis) > AUDIO_FRAME_MILLIS) {
                throw new AssemblyException(
                        "the sound lasts " + sound.durationMillis() + " ms; the picture " + expectedMillis + " ms");
            }
        }
        return info;
    }

    /**
     * Where the thumbnail's seek starts, in seconds from the video's start: half a frame before
     * its middle frame (the first frames of a template are often still fading in). Seeking to
     * half the duration itself can land past the last frame of a tiny video (a 2-frame one ends
     * "exited normally" with no picture); half a frame before a frame that exists always finds
     * it, and a 1- or 2-frame video takes its first frame with no seek at all.
     */
    static double thumbnailSeek(int frames, int fps) {
        if (frames < 1 || fps < 1) {
            throw new IllegalArgumentException("frames and fps must be positive but were " + frames + ", " + fps);
        }
        int middle = (frames - 1) / 2;
        return Math.max(0, (middle - 0.5) / fps);
    }

    private void thumbnail(Path video, double seekSeconds, Path thumbnail, Path directory)
            throws IOException, InterruptedException, AssemblyException {
        String at = String.format(Locale.ROOT, "%.6f", seekSeconds);
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-thumbnail",
                        media.ffmpeg()
                                .ffmpegCommand(List.of(
                                        "-hide_banner",
                                        "-loglevel",
                                        "error",
                                        "-ss",
                                        at,
                                        "-i",
                                        video.toString(),
                                        "-frames:v",
                                        "1",
                                        "-q:v",
                                        "3",
                                        "-y",
                                        thumbnail.toString())),
                        directory)
                .withEnvironment(media.ffmpeg().environment())
                .withLimits(Duration.ofMinutes(2), Duration.ZERO, false);
        ProcessOutcome outcome = media.supervisor().start(spec).await();
        if (!outcome.succeeded() || !Files.isRegularFile(thumbnail)) {
            throw new AssemblyException("ffmpeg could not write the thumbnail: " + outcome.describe());
        }
    }

    private String store(Path file, String key) throws IOException {
        try (BlobWriter writer = blobs.create(key)) {
            Files.copy(file, writer.stream());
            String sha256 = writer.sha256();
            writer.commit();
            return sha256;
        }
    }

    /** Why a job's videos could not be made or failed their checks: the job fails with it. */
    static final class AssemblyException extends Exception {
        private static final long serialVersionUID = 1L;

        AssemblyException(String message) {
            super(message);
        }
    }
}
