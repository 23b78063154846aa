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
import ir.flatrender.migrations.Database;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ExportRow;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.metrics.FarmMetrics;
import ir.flatrender.orchestrator.repairs.FoundProblem;
import ir.flatrender.orchestrator.repairs.FrameTimeline;
import ir.flatrender.orchestrator.repairs.RepairDao;
import ir.flatrender.orchestrator.scheduling.JobCache;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Joins a job's segments into the finished video of each tier without re-encoding the
 * picture: the MPEG-TS segments are streamed back to back into one ffmpeg (what the concat
 * protocol reads, without a command line that grows with the segment count, and from any blob
 * store), which copies the stream into an MP4 with the index at the front (faststart). In the
 * same pass it mixes the job's sound (the template's own, music, voiceover, sfx, each at its
 * volume), cut or padded to the video's length, so there is no seam in it. Each result is
 * checked with ffprobe (decoded frame count, size, codec, duration, audio length) before the
 * job counts as succeeded.
 */
public final class Assembler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Assembler.class);
    private static final Duration FFMPEG_DEADLINE = Duration.ofMinutes(30);
    private static final Duration FFMPEG_NO_PROGRESS = Duration.ofMinutes(2);
    private static final int AUDIO_RATE = 48_000;
    /** One AAC frame at 48 kHz: how far the sound's length may be from the picture's. */
    private static final long AUDIO_FRAME_MILLIS = Math.round(1024 * 1000.0 / AUDIO_RATE) + 1;

    /** How long an orchestrator holds a job's assembly without renewing it (renewed every third). */
    public static final Duration ASSEMBLY_LEASE = Duration.ofSeconds(30);
    /** How many times one chunk's frames are rendered again before the job fails instead. */
    public static final int MAX_REPAIRS_PER_CHUNK = 2;

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final FfmpegBinaries ffmpeg;
    private final ProcessSupervisor supervisor;
    private final Ffprobe ffprobe;
    private final Path workDirectory;
    private final JobEvents events;
    private final JobCache jobs;
    private final AudioSources audio;
    private final ExecutorService executor;
    private final UUID orchestratorId;
    private final Runnable workAdded;
    private final FarmMetrics metrics;
    /** Jobs this orchestrator is assembling or has queued to; their assembly leases are renewed. */
    private final Set<UUID> inProgress = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService leaseTimer;

    public Assembler(
            Jdbi jdbi,
            BlobStore blobs,
            TemplateCatalog templates,
            FfmpegBinaries ffmpeg,
            ProcessSupervisor supervisor,
            Ffprobe ffprobe,
            Path workDirectory,
            JobEvents events,
            JobCache jobs,
            int threads,
            UUID orchestratorId,
            Runnable workAdded,
            FarmMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.workAdded = requireNonNull(workAdded, "workAdded is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.ffmpeg = requireNonNull(ffmpeg, "ffmpeg is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.events = requireNonNull(events, "events is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.audio = new AudioSources(blobs, requireNonNull(templates, "templates is null"), ffprobe);
        // No threads: this orchestrator only schedules; another on the database assembles.
        this.executor = threads == 0
                ? null
                : new ThreadPoolExecutor(
                        threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                            Thread thread = new Thread(runnable, "assembler");
                            thread.setDaemon(true);
                            return thread;
                        });
        this.leaseTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "assembly-leases");
            thread.setDaemon(true);
            return thread;
        });
        long renew = ASSEMBLY_LEASE.toMillis() / 3;
        leaseTimer.scheduleWithFixedDelay(this::renewLeases, renew, renew, TimeUnit.MILLISECONDS);
    }

    private void renewLeases() {
        if (inProgress.isEmpty()) {
            return;
        }
        try {
            jdbi.useExtension(
                    JobDao.class,
                    dao -> dao.renewAssemblies(
                            inProgress.toArray(UUID[]::new), orchestratorId, ASSEMBLY_LEASE.toMillis() / 1000.0));
        } catch (RuntimeException e) {
            log.warn("could not renew assembly leases; retrying: {}", e.toString());
        }
    }

    /**
     * Assembles the job in the background, when it is assembling and no other orchestrator
     * holds its assembly (see {@link JobDao#claimAssembly}); a job already queued here is not
     * queued twice.
     */
    public void submit(UUID jobId) {
        if (executor == null || !inProgress.add(jobId)) {
            return;
        }
        try {
            executor.execute(() -> {
                MDC.put("job", jobId.toString());
                try {
                    assemble(jobId);
                } finally {
                    inProgress.remove(jobId);
                    MDC.remove("job");
                }
            });
        } catch (RuntimeException e) {
            inProgress.remove(jobId);
            throw e;
        }
    }

    private void assemble(UUID jobId) {
        JobRow job;
        try {
            job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElse(null);
            if (job == null
                    || job.jobState() != JobState.ASSEMBLING
                    || jdbi.withExtension(
                                    JobDao.class,
                                    dao -> dao.claimAssembly(jobId, orchestratorId, ASSEMBLY_LEASE.toMillis() / 1000.0))
                            == 0) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("job {}: could not take its assembly; it is tried again: {}", jobId, e.toString());
            return;
        }
        long started = System.nanoTime();
        Path directory = workDirectory.resolve(jobId.toString());
        try {
            Files.createDirectories(directory);
            List<ChunkRow> chunks = jdbi.withExtension(JobDao.class, dao -> dao.listChunks(jobId));
            if (chunks.size() != job.chunksTotal()
                    || chunks.stream().anyMatch(c -> c.chunkState() != ChunkState.DONE)) {
                throw new AssemblyException("not every chunk is done");
            }
            List<ChunkRow> frameChunks =
                    chunks.stream().filter(c -> !c.isAudioTask()).toList();
            List<SegmentRow> segments = jdbi.withExtension(JobDao.class, dao -> dao.listSegments(jobId));
            // Every stored file is still the one accepted, before any is used.
            List<FoundProblem> problems = changedSegments(chunks, segments);
            if (!problems.isEmpty()) {
                repair(job, problems);
                return;
            }
            List<String> renderedAudio = segments.stream()
                    .filter(s -> s.tier().equals("audio"))
                    .map(SegmentRow::blobKey)
                    .toList();
            List<AudioSources.Track> tracks = audio.resolve(job, renderedAudio, directory);
            List<ExportRow> exports = new ArrayList<>();
            for (Output output : job.outputs()) {
                List<SegmentRow> tier = segments.stream()
                        .filter(s -> s.tier().equals(output.tier()))
                        .toList();
                if (tier.size() != frameChunks.size()) {
                    throw new AssemblyException("chunks without a " + output.tier() + " segment");
                }
                // Each segment's frames where its range belongs (a valid segment of another range
                // would pass its checksum; ffmpeg would smooth its times over when joining).
                problems = misplacedInSegments(job, output, frameChunks, tier, directory);
                if (!problems.isEmpty()) {
                    repair(job, problems);
                    return;
                }
                Path video = directory.resolve(output.tier() + ".mp4");
                Optional<String> joinError = join(
                        tier.stream().map(SegmentRow::blobKey).toList(),
                        tracks,
                        job.totalFrames() / (double) job.fps(),
                        video,
                        directory);
                if (joinError.isPresent()) {
                    throw new AssemblyException(joinError.get());
                }
                problems = misplacedInExport(job, output, frameChunks, video);
                if (!problems.isEmpty()) {
                    repair(job, problems);
                    return;
                }
                exports.add(export(job, output, video, tracks, directory));
            }
            boolean finished = jdbi.inTransaction(handle -> {
                JobDao dao = handle.attach(JobDao.class);
                exports.forEach(dao::upsertExport);
                if (dao.finishAssembly(jobId, orchestratorId, JobState.SUCCEEDED.dbName(), null) == 0) {
                    return false;
                }
                handle.attach(RepairDao.class).finishOpen(jobId, "repaired");
                return true;
            });
            if (finished) {
                metrics.assembled(System.nanoTime() - started);
                blobs.deleteTree("segments/" + jobId);
                ExportRow primary = exports.get(0);
                log.info(
                        "job {} succeeded: {} frames {}x{}{} in {} ({} bytes{}), assembled in {} ms",
                        jobId,
                        primary.frameCount(),
                        primary.width(),
                        primary.height(),
                        primary.hasAudio() ? " with sound" : "",
                        blobs.describe(primary.blobKey()),
                        primary.sizeBytes(),
                        exports.size() > 1 ? ", " + (exports.size() - 1) + " more tier(s)" : "",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        } catch (AssemblyException | MediaException | IOException | RuntimeException e) {
            if (Database.isUnavailable(e)) {
                // Not the job's fault: its assembly lease stays here and the sweep tries again.
                log.warn(
                        "job {}: the database went away during assembly; it is assembled again: {}",
                        jobId,
                        e.toString());
                return;
            }
            log.error("job {}: assembly failed: {}", jobId, e.getMessage(), e);
            failAssembly(jobId, "assembly failed: " + e.getMessage());
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

    private void failAssembly(UUID jobId, String reason) {
        try {
            jdbi.useTransaction(handle -> {
                if (handle.attach(JobDao.class).finishAssembly(jobId, orchestratorId, JobState.FAILED.dbName(), reason)
                        == 1) {
                    handle.attach(RepairDao.class).finishOpen(jobId, "failed");
                }
            });
        } catch (RuntimeException e) {
            log.warn("job {}: could not record its failure; it is assembled again: {}", jobId, e.toString());
        }
    }

    /** The stored files whose bytes are no longer those accepted (disk or storage corruption). */
    private List<FoundProblem> changedSegments(List<ChunkRow> chunks, List<SegmentRow> segments) throws IOException {
        List<FoundProblem> problems = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        for (SegmentRow segment : segments) {
            String reason;
            try (InputStream in = blobs.open(segment.blobKey(), 0)) {
                MessageDigest digest = sha256();
                long size = 0;
                int read;
                while ((read = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, read);
                    size += read;
                }
                String sha256 = HexFormat.of().formatHex(digest.digest());
                reason = sha256.equals(segment.sha256()) && size == segment.sizeBytes()
                        ? null
                        : "its stored " + segment.tier() + " segment changed after it was accepted (" + size
                                + " bytes, sha256 " + sha256.substring(0, 12) + "…; accepted " + segment.sizeBytes()
                                + " bytes, " + segment.sha256().substring(0, 12) + "…)";
            } catch (java.nio.file.NoSuchFileException e) {
                reason = "its stored " + segment.tier() + " segment is gone";
            }
            if (reason != null) {
                ChunkRow chunk = chunkOf(chunks, segment);
                problems.add(new FoundProblem(chunk, segment.tier(), FoundProblem.SEGMENT_CHECK, reason));
            }
        }
        return problems;
    }

    /** Frames of the joined export not where they were planned, traced to their chunks. */
    private List<FoundProblem> misplacedInExport(JobRow job, Output output, List<ChunkRow> chunks, Path video)
            throws MediaException {
        Map<ChunkRow, String> misplaced =
                FrameTimeline.exportProblems(ffprobe.videoPacketTimes(video), job.fps(), chunks, job.frameStart());
        return misplaced.entrySet().stream()
                .map(e -> new FoundProblem(e.getKey(), output.tier(), FoundProblem.EXPORT_CHECK, e.getValue()))
                .toList();
    }

    /**
     * The chunks whose segments do not hold their frames at their places: one ffprobe reads the
     * tier's segments back to back, and each chunk's packets are its planned number of frames
     * in turn (each segment's count was checked when it was accepted).
     */
    private List<FoundProblem> misplacedInSegments(
            JobRow job, Output output, List<ChunkRow> chunks, List<SegmentRow> tier, Path directory)
            throws MediaException {
        List<Double> packets = ffprobe.videoPacketTimes(directory, "mpegts", stdin -> {
            for (SegmentRow segment : tier) {
                try (InputStream in = blobs.open(segment.blobKey(), 0)) {
                    in.transferTo(stdin);
                }
            }
        });
        Map<ChunkRow, List<Double>> times = new LinkedHashMap<>();
        int next = 0;
        for (ChunkRow chunk : chunks) {
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            times.put(chunk, packets.subList(Math.min(next, packets.size()), Math.min(next + frames, packets.size())));
            next += frames;
        }
        return FrameTimeline.segmentProblems(times, job.fps(), job.frameStart()).entrySet().stream()
                .map(e -> new FoundProblem(e.getKey(), output.tier(), FoundProblem.SEGMENT_CHECK, e.getValue()))
                .toList();
    }

    /**
     * Sends the wrong chunks' frames back to render (rows in {@code render.frame_repair_jobs},
     * the chunks pending as their next attempt) and the job back to running, to be assembled
     * again once they are done. A chunk repaired {@link #MAX_REPAIRS_PER_CHUNK} times already
     * fails the job instead.
     */
    private void repair(JobRow job, List<FoundProblem> problems) {
        Map<UUID, FoundProblem> byChunk = new LinkedHashMap<>();
        problems.forEach(p -> byChunk.putIfAbsent(p.chunk().id(), p));
        for (FoundProblem problem : byChunk.values()) {
            int before = jdbi.withExtension(
                    RepairDao.class, dao -> dao.countForChunk(problem.chunk().id()));
            if (before >= MAX_REPAIRS_PER_CHUNK) {
                failAssembly(
                        job.id(),
                        "frames " + problem.chunk().frames() + " are still wrong after " + before + " repairs: "
                                + problem.reason());
                return;
            }
        }
        boolean reopened = jdbi.inTransaction(handle -> {
            RepairDao repairs = handle.attach(RepairDao.class);
            for (FoundProblem problem : byChunk.values()) {
                ChunkRow chunk = problem.chunk();
                repairs.insert(
                        UUID.randomUUID(),
                        job.id(),
                        chunk.id(),
                        chunk.attempt(),
                        chunk.frameStart(),
                        chunk.frameEnd(),
                        problem.tier(),
                        problem.detectedBy(),
                        problem.reason());
                if (repairs.reopenChunk(chunk.id(), chunk.attempt()) == 0) {
                    handle.rollback();
                    return false;
                }
            }
            if (handle.attach(JobDao.class).finishAssembly(job.id(), orchestratorId, JobState.RUNNING.dbName(), null)
                    == 0) {
                handle.rollback();
                return false;
            }
            return true;
        });
        if (reopened) {
            for (FoundProblem problem : byChunk.values()) {
                metrics.repaired(problem.detectedBy());
                log.warn(
                        "job {}: frames {} ({}) are rendered again: {}",
                        job.id(),
                        problem.chunk().frames(),
                        problem.detectedBy(),
                        problem.reason());
            }
            workAdded.run();
        }
    }

    private static ChunkRow chunkOf(List<ChunkRow> chunks, SegmentRow segment) {
        return chunks.stream()
                .filter(c -> c.id().equals(segment.chunkId()))
                .findFirst()
                .orElseThrow();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    private ExportRow export(JobRow job, Output output, Path video, List<AudioSources.Track> tracks, Path directory)
            throws IOException, InterruptedException, AssemblyException, MediaException {
        MediaInfo info = verify(job, output, video, !tracks.isEmpty());
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

    /** The ffmpeg arguments that join segments (on stdin) and mix the tracks into {@code video}. */
    static List<String> joinArguments(List<AudioSources.Track> tracks, double seconds, Path video) {
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

    /** Joins the segments into {@code video}; answers why ffmpeg could not, when it could not. */
    private Optional<String> join(
            List<String> segments, List<AudioSources.Track> tracks, double seconds, Path video, Path directory)
            throws IOException, InterruptedException {
        ProcessSpec spec = ProcessSpec.of(
                        "ffmpeg-join", ffmpeg.ffmpegCommand(joinArguments(tracks, seconds, video)), directory)
                .withEnvironment(ffmpeg.environment())
                .withStdin()
                .withLimits(FFMPEG_DEADLINE, FFMPEG_NO_PROGRESS, false);
        SupervisedProcess process = supervisor.start(spec);
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

    private MediaInfo verify(JobRow job, Output output, Path video, boolean withAudio)
            throws MediaException, AssemblyException {
        // Packets, not decoded frames: the join copies streams, every segment was decoded when
        // it was accepted, and the export check has just read each packet's time.
        MediaInfo info = ffprobe.probe(video, ir.flatrender.media.ffmpeg.Ffprobe.FrameCount.PACKETS);
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
        leaseTimer.shutdownNow();
        if (executor == null) {
            return;
        }
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
