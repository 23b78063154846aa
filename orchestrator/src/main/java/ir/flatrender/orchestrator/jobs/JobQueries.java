package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.repairs.RepairDao;
import ir.flatrender.orchestrator.repairs.RepairRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

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
        return jdbi.withHandle(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = dao.findJob(jobId)
                    .filter(j -> tenantId.isEmpty() || tenantId.get().equals(j.tenantId()))
                    .orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            List<ChunkRow> chunks = withChunks ? dao.listChunks(jobId) : List.of();
            List<RepairRow> repairs =
                    withChunks ? handle.attach(RepairDao.class).listForJob(jobId) : List.of();
            return new JobView(job, dao.findExports(jobId), chunks, repairs, progress.framesInFlight(jobId));
        });
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
        List<JobRow> rows = jdbi.withExtension(
                JobDao.class,
                dao -> dao.listJobs(
                        tenantId.orElse(null),
                        states.isEmpty()
                                ? null
                                : states.stream().map(JobState::dbName).toArray(String[]::new),
                        templateId.orElse(null),
                        engine.orElse(null),
                        createdSince.orElse(null),
                        after.map(Cursor::createdAt).orElse(null),
                        after.map(Cursor::id).orElse(null),
                        limit + 1));
        boolean more = rows.size() > limit;
        List<JobRow> page = more ? rows.subList(0, limit) : rows;
        Map<UUID, List<ExportRow>> exports = page.isEmpty()
                ? Map.of()
                : jdbi
                        .withExtension(
                                JobDao.class,
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
                        progress.framesInFlight(job.id())))
                .toList();
        Optional<Cursor> next = more
                ? Optional.of(new Cursor(
                        page.get(page.size() - 1).createdAt(),
                        page.get(page.size() - 1).id()))
                : Optional.empty();
        return new Page(views, next);
    }
}
