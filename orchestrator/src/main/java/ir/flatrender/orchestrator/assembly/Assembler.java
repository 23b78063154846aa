package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ExportRow;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobTransitions;
import ir.flatrender.orchestrator.scheduling.JobCache;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Joins a job's segments into the finished video without re-encoding: the MPEG-TS segments
 * are streamed back to back into one ffmpeg (what the concat protocol does, without a command
 * line that grows with the segment count and from any blob store), which copies the stream
 * into an MP4 with the index at the front (faststart). The result is checked with ffprobe
 * (decoded frame count, size, codec, duration) before the job counts as succeeded.
 */
public final class Assembler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Assembler.class);
    private static final Duration FFMPEG_DEADLINE = Duration.ofMinutes(30);
    private static final Duration FFMPEG_NO_PROGRESS = Duration.ofMinutes(2);
    private static final String[] ASSEMBLING = JobState.dbNames(JobTransitions.from(JobTransitions.Event.ASSEMBLED));
    private static final String[] FAILABLE = JobState.dbNames(JobTransitions.from(JobTransitions.Event.FAILED));

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final FfmpegBinaries ffmpeg;
    private final ProcessSupervisor supervisor;
    private final Ffprobe ffprobe;
    private final Path workDirectory;
    private final JobEvents events;
    private final JobCache jobs;
    private final ExecutorService executor;

    public Assembler(
            Jdbi jdbi,
            BlobStore blobs,
            FfmpegBinaries ffmpeg,
            ProcessSupervisor supervisor,
            Ffprobe ffprobe,
            Path workDirectory,
            JobEvents events,
            JobCache jobs,
            int threads) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.ffmpeg = requireNonNull(ffmpeg, "ffmpeg is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.events = requireNonNull(events, "events is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.executor =
                new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "assembler");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Assembles the job in the background; it must be in state assembling. */
    public void submit(UUID jobId) {
        executor.execute(() -> {
            MDC.put("job", jobId.toString());
            try {
                assemble(jobId);
            } finally {
                MDC.remove("job");
            }
        });
    }

    private void assemble(UUID jobId) {
        JobRow job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElse(null);
        if (job == null || job.jobState() != JobState.ASSEMBLING) {
            return;
        }
        long started = System.nanoTime();
        Path directory = workDirectory.resolve(jobId.toString());
        try {
            Files.createDirectories(directory);
            List<ChunkRow> chunks = jdbi.withExtension(JobDao.class, dao -> dao.listChunks(jobId));
            if (chunks.size() != job.chunksTotal()
                    || chunks.stream().anyMatch(c -> c.chunkState() != ChunkState.DONE || c.segmentKey() == null)) {
                throw new AssemblyException("not every chunk has an accepted segment");
            }
            Path video = directory.resolve("video.mp4");
            concatenate(chunks, video, directory);
            MediaInfo info = verify(job, video);
            Path thumbnail = directory.resolve("thumbnail.jpg");
            thumbnail(video, info, thumbnail, directory);

            String videoKey = "exports/" + jobId + "/" + job.tier() + ".mp4";
            String thumbnailKey = "exports/" + jobId + "/" + job.tier() + ".jpg";
            String sha256 = store(video, videoKey);
            store(thumbnail, thumbnailKey);
            MediaInfo.VideoStream stream = info.video().orElseThrow();
            ExportRow export = new ExportRow(
                    UUID.randomUUID(),
                    jobId,
                    job.tier(),
                    videoKey,
                    Files.size(video),
                    stream.width(),
                    stream.height(),
                    stream.frameCount(),
                    info.durationMillis(),
                    stream.codec(),
                    thumbnailKey,
                    sha256,
                    Instant.now());
            boolean finished = jdbi.inTransaction(handle -> {
                JobDao dao = handle.attach(JobDao.class);
                dao.upsertExport(export);
                return dao.finishJob(jobId, ASSEMBLING, JobState.SUCCEEDED.dbName(), null) == 1;
            });
            if (finished) {
                blobs.deleteTree("segments/" + jobId);
                log.info(
                        "job {} succeeded: {} frames {}x{} in {} ({} bytes), assembled in {} ms",
                        jobId,
                        stream.frameCount(),
                        stream.width(),
                        stream.height(),
                        blobs.describe(videoKey),
                        export.sizeBytes(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        } catch (AssemblyException | MediaException | IOException | RuntimeException e) {
            log.error("job {}: assembly failed: {}", jobId, e.getMessage(), e);
            String reason = "assembly failed: " + e.getMessage();
            jdbi.useExtension(JobDao.class, dao -> dao.finishJob(jobId, FAILABLE, JobState.FAILED.dbName(), reason));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            try {
                if (Files.exists(directory)) {
                    MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
                }
            } catch (IOException e) {
                log.warn("could not clean up {}: {}", directory, e.getMessage());
            }
            jobs.evict(jobId);
            events.publish(jobId);
        }
    }

    private void concatenate(List<ChunkRow> chunks, Path video, Path directory)
            throws IOException, InterruptedException, AssemblyException {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-concat",
                        ffmpeg.ffmpegCommand(List.of(
                                "-hide_banner",
                                "-loglevel",
                                "error",
                                "-f",
                                "mpegts",
                                "-i",
                                "pipe:0",
                                "-map",
                                "0:v:0",
                                "-c",
                                "copy",
                                "-movflags",
                                "+faststart",
                                "-f",
                                "mp4",
                                "-y",
                                video.toString())),
                        directory)
                .withEnvironment(ffmpeg.environment())
                .withStdin()
                .withLimits(FFMPEG_DEADLINE, FFMPEG_NO_PROGRESS, false);
        SupervisedProcess process = supervisor.start(spec);
        try (OutputStream stdin = process.stdin()) {
            byte[] buffer = new byte[1 << 16];
            for (ChunkRow chunk : chunks.stream()
                    .sorted(Comparator.comparingInt(ChunkRow::seq))
                    .toList()) {
                try (InputStream segment = blobs.open(chunk.segmentKey(), 0)) {
                    int read;
                    while ((read = segment.read(buffer)) > 0) {
                        stdin.write(buffer, 0, read);
                        process.reportProgress();
                    }
                }
            }
        } catch (IOException e) {
            // ffmpeg closed its input early; its own message says why.
            log.debug("concat input closed early: {}", e.getMessage());
        }
        ProcessOutcome outcome = process.await();
        if (!outcome.succeeded()) {
            throw new AssemblyException("ffmpeg could not join the segments: " + outcome.describe());
        }
    }

    private MediaInfo verify(JobRow job, Path video) throws MediaException, AssemblyException {
        MediaInfo info = ffprobe.probe(video, true);
        MediaInfo.VideoStream stream =
                info.video().orElseThrow(() -> new AssemblyException("the joined file has no video stream"));
        if (stream.frameCount() != job.totalFrames()) {
            throw new AssemblyException(
                    "the joined video has " + stream.frameCount() + " frames; the job planned " + job.totalFrames());
        }
        if (stream.width() != job.outputWidth() || stream.height() != job.outputHeight()) {
            throw new AssemblyException("the joined video is " + stream.width() + "x" + stream.height()
                    + "; the job asked for " + job.outputWidth() + "x" + job.outputHeight());
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
        return info;
    }

    private void thumbnail(Path video, MediaInfo info, Path thumbnail, Path directory)
            throws IOException, InterruptedException, AssemblyException {
        // The middle of the video: the first frames of a template are often still fading in.
        String at = String.format(Locale.ROOT, "%.3f", info.durationMillis() / 2000.0);
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-thumbnail",
                        ffmpeg.ffmpegCommand(List.of(
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
                .withEnvironment(ffmpeg.environment())
                .withLimits(Duration.ofMinutes(2), Duration.ZERO, false);
        ProcessOutcome outcome = supervisor.start(spec).await();
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

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class AssemblyException extends Exception {
        AssemblyException(String message) {
            super(message);
        }
    }
}
