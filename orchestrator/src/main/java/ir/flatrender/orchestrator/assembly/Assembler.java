package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.migrations.Database;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.AssemblyDao;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ExportRow;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobKind;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.nodes.SegmentDecodes;
import ir.flatrender.orchestrator.repairs.RepairDao;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final ExportWriter exports;
    private final AssemblySettings settings;
    private final DomainEvents events;
    private final SegmentAudit audit;
    private final AssemblyRepairs repairs;
    private final AssemblyLeases leases;
    private final ExecutorService executor;

    public Assembler(
            Jdbi jdbi,
            BlobStore blobs,
            TemplateCatalog templates,
            MediaTools media,
            AssemblySettings settings,
            SegmentDecodes decodes,
            DomainEvents events) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.events = requireNonNull(events, "events is null");
        this.exports = new ExportWriter(blobs, media, templates);
        this.audit = new SegmentAudit(blobs, media.ffprobe(), decodes);
        this.repairs = new AssemblyRepairs(jdbi, settings.orchestratorId(), events);
        this.leases = new AssemblyLeases(jdbi, settings.orchestratorId());
        // No threads: this orchestrator only schedules; another on the database assembles.
        this.executor = settings.threads() == 0
                ? null
                : new ThreadPoolExecutor(
                        settings.threads(),
                        settings.threads(),
                        0,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        runnable -> {
                            Thread thread = new Thread(runnable, "assembler");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /** Assembles each video whose chunks are all done. */
    public void subscribeTo(DomainEvents events) {
        events.subscribe(FarmEvent.ReadyToAssemble.class, event -> {
            if (event.kind() == JobKind.VIDEO) {
                submit(event.jobId());
            }
        });
    }

    /**
     * Assembles the job in the background, when it is assembling and no other orchestrator
     * holds its assembly (see {@link AssemblyDao#claimAssembly}); a job already queued here is not
     * queued twice.
     */
    public void submit(UUID jobId) {
        if (executor == null || !leases.hold(jobId)) {
            return;
        }
        try {
            executor.execute(() -> {
                MDC.put("job", jobId.toString());
                try {
                    assemble(jobId);
                } finally {
                    leases.drop(jobId);
                    MDC.remove("job");
                }
            });
        } catch (RuntimeException e) {
            leases.drop(jobId);
            throw e;
        }
    }

    private void assemble(UUID jobId) {
        JobRow job;
        try {
            job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElse(null);
            if (job == null || job.jobState() != JobState.ASSEMBLING || !leases.claim(jobId)) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("job {}: could not take its assembly; it is tried again: {}", jobId, e.toString());
            return;
        }
        long started = System.nanoTime();
        Path directory = settings.workDirectory().resolve(jobId.toString());
        try {
            Files.createDirectories(directory);
            List<ChunkRow> chunks = jdbi.withExtension(JobDao.class, dao -> dao.listChunks(jobId));
            if (chunks.size() != job.chunksTotal()
                    || chunks.stream().anyMatch(c -> c.chunkState() != ChunkState.DONE)) {
                throw new ExportWriter.AssemblyException("not every chunk is done");
            }
            List<ChunkRow> frameChunks =
                    chunks.stream().filter(c -> !c.isAudioTask()).toList();
            List<SegmentRow> segments = jdbi.withExtension(AssemblyDao.class, dao -> dao.listSegments(jobId));
            // Every stored file is still the one accepted, before any is used.
            List<FoundProblem> problems = audit.changedSegments(chunks, segments);
            if (!problems.isEmpty()) {
                repairs.repair(job, problems);
                return;
            }
            List<String> renderedAudio = segments.stream()
                    .filter(s -> s.tier().equals("audio"))
                    .map(SegmentRow::blobKey)
                    .toList();
            List<AudioSources.Track> tracks = exports.tracks(job, renderedAudio, directory);
            List<ExportRow> made = new ArrayList<>();
            try {
                for (Output output : job.outputs()) {
                    List<SegmentRow> tier = segments.stream()
                            .filter(s -> s.tier().equals(output.tier()))
                            .toList();
                    if (tier.size() != frameChunks.size()) {
                        throw new ExportWriter.AssemblyException("chunks without a " + output.tier() + " segment");
                    }
                    // Each segment's frames where its range belongs (a valid segment of another range
                    // would pass its checksum; ffmpeg would smooth its times over when joining).
                    problems = audit.misplacedInSegments(job, output, frameChunks, tier, directory);
                    if (!problems.isEmpty()) {
                        repairs.repair(job, problems);
                        return;
                    }
                    Path video = directory.resolve(output.tier() + ".mp4");
                    Optional<String> joinError = exports.join(
                            tier.stream().map(SegmentRow::blobKey).toList(),
                            tracks,
                            job.totalFrames() / (double) job.fps(),
                            video,
                            directory);
                    if (joinError.isPresent()) {
                        throw new ExportWriter.AssemblyException(joinError.get());
                    }
                    // One probe: the export's streams for its row, its packets' times for the check.
                    ir.flatrender.media.ffmpeg.Ffprobe.ProbedVideo probed = exports.probe(video);
                    problems = SegmentAudit.misplacedInExport(job, output, frameChunks, probed.videoPacketTimes());
                    if (!problems.isEmpty()) {
                        repairs.repair(job, problems);
                        return;
                    }
                    made.add(exports.export(job, output, video, probed.info(), tracks, directory));
                }
            } catch (ExportWriter.AssemblyException | MediaException e) {
                // A segment that does not decode may be why: render it again rather than fail.
                problems = audit.undecodable(job, chunks, segments);
                if (!problems.isEmpty()) {
                    repairs.repair(job, problems);
                    return;
                }
                throw e;
            }
            // Every segment decoded in full since it was accepted by its packets (SegmentDecodes):
            // waited for only now, so that the last one's decode overlaps the join.
            problems = audit.undecodable(job, chunks, segments);
            if (!problems.isEmpty()) {
                repairs.repair(job, problems);
                return;
            }
            boolean finished = jdbi.inTransaction(handle -> {
                AssemblyDao dao = handle.attach(AssemblyDao.class);
                made.forEach(dao::upsertExport);
                if (dao.finishAssembly(jobId, settings.orchestratorId(), JobState.SUCCEEDED.dbName(), null) == 0) {
                    return false;
                }
                handle.attach(RepairDao.class).finishOpen(jobId, "repaired");
                return true;
            });
            if (finished) {
                events.publish(new FarmEvent.JobAssembled(jobId, System.nanoTime() - started));
                blobs.deleteTree("segments/" + jobId);
                ExportRow primary = made.get(0);
                log.info(
                        "job {} succeeded: {} frames {}x{}{} in {} ({} bytes{}), assembled in {} ms",
                        jobId,
                        primary.frameCount(),
                        primary.width(),
                        primary.height(),
                        primary.hasAudio() ? " with sound" : "",
                        blobs.describe(primary.blobKey()),
                        primary.sizeBytes(),
                        made.size() > 1 ? ", " + (made.size() - 1) + " more tier(s)" : "",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        } catch (ExportWriter.AssemblyException | MediaException | IOException | RuntimeException e) {
            if (Database.isUnavailable(e)) {
                // Not the job's fault: its assembly lease stays here and the sweep tries again.
                log.warn(
                        "job {}: the database went away during assembly; it is assembled again: {}",
                        jobId,
                        e.toString());
                return;
            }
            log.error("job {}: assembly failed: {}", jobId, e.getMessage(), e);
            repairs.failAssembly(jobId, "assembly failed: " + e.getMessage());
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
            events.publish(new FarmEvent.AssemblyEnded(jobId));
        }
    }

    @Override
    public void close() {
        leases.close();
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
}
