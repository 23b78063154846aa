package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The fixed parts of active jobs (template, sizes, bindings, encoder) that every assignment
 * carries, so that dispatch does not read the job row per chunk. Only fields that never change
 * after submit may be read from these rows; the state is read from the database.
 */
public final class JobCache {
    private final Jdbi jdbi;
    private final Map<UUID, JobRow> jobs = new ConcurrentHashMap<>();

    public JobCache(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    public JobRow get(UUID jobId) {
        JobRow job = jobs.get(jobId);
        if (job != null) {
            return job;
        }
        JobRow loaded = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId))
                .orElseThrow(() -> new IllegalStateException("job " + jobId + " vanished"));
        jobs.put(jobId, loaded);
        return loaded;
    }

    /** Forgets a job that ended. */
    public void evict(UUID jobId) {
        jobs.remove(jobId);
    }
}
