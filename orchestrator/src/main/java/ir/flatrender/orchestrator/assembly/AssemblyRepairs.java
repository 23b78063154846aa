package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.failures.FailureDao;
import ir.flatrender.orchestrator.jobs.AssemblyDao;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.repairs.RepairDao;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a failed check: the wrong chunks' frames go back to render (rows in {@code
 * render.frame_repair_jobs}, the chunks pending as their next attempt) and the job back to
 * running, or, past {@link #MAX_REPAIRS_PER_CHUNK} repairs of one chunk, the job fails.
 */
final class AssemblyRepairs {
    private static final Logger log = LoggerFactory.getLogger(AssemblyRepairs.class);
    /** How many times one chunk is rendered again for a failed check before the job fails. */
    static final int MAX_REPAIRS_PER_CHUNK = 2;

    private final Jdbi jdbi;
    private final UUID orchestratorId;
    private final DomainEvents events;

    AssemblyRepairs(Jdbi jdbi, UUID orchestratorId, DomainEvents events) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * Sends the wrong chunks' frames back to render (rows in {@code render.frame_repair_jobs},
     * the chunks pending as their next attempt) and the job back to running, to be assembled
     * again once they are done. A chunk repaired {@link #MAX_REPAIRS_PER_CHUNK} times already
     * fails the job instead.
     */
    void repair(JobRow job, List<FoundProblem> problems) {
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
                if (problem.badOutput() && chunk.nodeId() != null) {
                    handle.attach(FailureDao.class)
                            .insertCrash(
                                    UUID.randomUUID(),
                                    chunk.nodeId(),
                                    job.id(),
                                    chunk.id(),
                                    chunk.attempt(),
                                    chunk.engine(),
                                    "bad_output",
                                    null,
                                    null,
                                    "segment refused before assembly: " + problem.reason(),
                                    "");
                }
                int count = problem.badOutput()
                        ? repairs.reopenChunkAwayFromItsNode(chunk.id(), chunk.attempt())
                        : repairs.reopenChunk(chunk.id(), chunk.attempt());
                if (count == 0) {
                    handle.rollback();
                    return false;
                }
            }
            if (handle.attach(AssemblyDao.class)
                            .finishAssembly(job.id(), orchestratorId, JobState.RUNNING.dbName(), null)
                    == 0) {
                handle.rollback();
                return false;
            }
            return true;
        });
        if (reopened) {
            for (FoundProblem problem : byChunk.values()) {
                events.publish(new FarmEvent.ChunkRepaired(problem.detectedBy()));
                log.warn(
                        "job {}: frames {} ({}) are rendered again: {}",
                        job.id(),
                        problem.chunk().frames(),
                        problem.detectedBy(),
                        problem.reason());
            }
            events.publish(new FarmEvent.WorkAdded());
        }
    }

    /** Ends the job's assembly as failed, with the reason; its open repairs end with it. */
    void failAssembly(UUID jobId, String reason) {
        try {
            jdbi.useTransaction(handle -> {
                if (handle.attach(AssemblyDao.class)
                                .finishAssembly(jobId, orchestratorId, JobState.FAILED.dbName(), reason)
                        == 1) {
                    handle.attach(RepairDao.class).finishOpen(jobId, "failed");
                }
            });
        } catch (RuntimeException e) {
            log.warn("job {}: could not record its failure; it is assembled again: {}", jobId, e.toString());
        }
    }
}
