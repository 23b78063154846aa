package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.repairs.RepairDao;
import ir.flatrender.orchestrator.repairs.RepairRow;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Reads jobs for clients, scoped by tenant when one is given. */
public final class JobQueries {
    private final Jdbi jdbi;
    private final RunningProgress progress;

    public JobQueries(Jdbi jdbi, RunningProgress progress) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * @param tenantId when present, a job of another tenant is not found
     * @throws FarmException NOT_FOUND
     */
    public JobView view(UUID jobId, Optional<UUID> tenantId, boolean withChunks) {
        // Reported progress first, then the rows in one snapshot: see RunningProgress.framesByChunk.
        Map<UUID, Map<UUID, Integer>> reported = progress.framesByChunk(jobId::equals);
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = dao.findJob(jobId)
                    .filter(j -> tenantId.isEmpty() || tenantId.get().equals(j.tenantId()))
                    .orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            Map<UUID, Integer> reportedFrames = reported.getOrDefault(jobId, Map.of());
            // A running chunk's frames are what its node has reported so far; its row has them once done.
            List<ChunkRow> chunks = withChunks
                    ? dao.listChunks(jobId).stream()
                            .map(c -> c.chunkState() == ChunkState.RUNNING && reportedFrames.containsKey(c.id())
                                    ? c.withFramesDone(reportedFrames.get(c.id()))
                                    : c)
                            .toList()
                    : List.of();
            List<RepairRow> repairs =
                    withChunks ? handle.attach(RepairDao.class).listForJob(jobId) : List.of();
            Map<UUID, Integer> inFlight = framesInFlight(dao, reported);
            String waiting = "";
            if ((job.jobState() == JobState.QUEUED || job.jobState() == JobState.RUNNING)
                    && handle.attach(WaitingReason.Dao.class).waiting(jobId)) {
                WaitingReason.Dao reasons = handle.attach(WaitingReason.Dao.class);
                waiting = WaitingReason.explain(
                                job.engine(),
                                reasons.requires(jobId).map(List::of).orElse(List.of()),
                                reasons.takers(jobId, job.engine()))
                        .orElse("");
            }
            return new JobView(
                    job,
                    handle.attach(AssemblyDao.class).findExports(jobId),
                    chunks,
                    repairs,
                    inFlight.getOrDefault(jobId, 0),
                    waiting);
        });
    }

    /** Frames reported by each job's chunks that the rows do not yet show done. */
    private static Map<UUID, Integer> framesInFlight(JobDao dao, Map<UUID, Map<UUID, Integer>> reported) {
        if (reported.isEmpty()) {
            return Map.of();
        }
        Set<UUID> done = dao.doneAmong(reported.values().stream()
                .flatMap(chunks -> chunks.keySet().stream())
                .toArray(UUID[]::new));
        Map<UUID, Integer> frames = new HashMap<>();
        reported.forEach((jobId, chunks) -> chunks.forEach((chunkId, count) -> {
            if (!done.contains(chunkId)) {
                frames.merge(jobId, count, Integer::sum);
            }
        }));
        return frames;
    }

    /** A page of jobs, newest first, and the cursor of the next page when there is one. */
    public record Page(List<JobView> jobs, Optional<Cursor> next) {}

    public record Cursor(Instant createdAt, UUID id) {}

    public Page list(
            Optional<UUID> tenantId,
            List<JobState> states,
            Optional<String> templateId,
            Optional<String> engine,
            Optional<Instant> createdSince,
            Optional<Cursor> after,
            int limit) {
        Map<UUID, Map<UUID, Integer>> reported = progress.framesByChunk(job -> true);
        record Read(List<JobRow> rows, Map<UUID, Integer> inFlight) {}
        Read read = jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, handle -> {
            JobDao dao = handle.attach(JobDao.class);
            return new Read(
                    dao.listJobs(
                            tenantId.orElse(null),
                            states.isEmpty()
                                    ? null
                                    : states.stream().map(JobState::dbName).toArray(String[]::new),
                            templateId.orElse(null),
                            engine.orElse(null),
                            createdSince.orElse(null),
                            after.map(Cursor::createdAt).orElse(null),
                            after.map(Cursor::id).orElse(null),
                            limit + 1),
                    framesInFlight(dao, reported));
        });
        List<JobRow> rows = read.rows();
        boolean more = rows.size() > limit;
        List<JobRow> page = more ? rows.subList(0, limit) : rows;
        Map<UUID, List<ExportRow>> exports = page.isEmpty()
                ? Map.of()
                : jdbi
                        .withExtension(
                                AssemblyDao.class,
                                dao -> dao.findExportsOf(
                                        page.stream().map(JobRow::id).toArray(UUID[]::new)))
                        .stream()
                        .collect(Collectors.groupingBy(ExportRow::jobId));
        List<JobView> views = page.stream()
                .map(job -> new JobView(
                        job,
                        exports.getOrDefault(job.id(), List.of()),
                        List.of(),
                        List.of(),
                        read.inFlight().getOrDefault(job.id(), 0),
                        ""))
                .toList();
        Optional<Cursor> next = more
                ? Optional.of(new Cursor(
                        page.get(page.size() - 1).createdAt(),
                        page.get(page.size() - 1).id()))
                : Optional.empty();
        return new Page(views, next);
    }
}
