package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.FarmEvent.AttemptReleased;
import ir.flatrender.orchestrator.jobs.FarmEvent.CapacityChanged;
import ir.flatrender.orchestrator.jobs.FarmEvent.ChunkCompleted;
import ir.flatrender.orchestrator.jobs.FarmEvent.ReadyToAssemble;
import ir.flatrender.orchestrator.jobs.FarmEvent.StopOnNode;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which a chunk becomes done and its job moves on: the upload handler hands it a
 * chunk whose verified segments it stored (in the fenced transaction that marked it done), and
 * this frees the node's slot, tells the scheduler, and, when no chunk of the job is left, moves
 * the job to assembling and announces it ({@link ReadyToAssemble}: the assembler takes a video,
 * the snapshot store a still). A health check ends here: rendering and passing the segment
 * checks is the whole test.
 */
public final class ChunkCompletion {
    private static final Logger log = LoggerFactory.getLogger(ChunkCompletion.class);
    private static final String[] ALL_DONE_FROM =
            JobState.dbNames(JobTransitions.from(JobTransitions.Event.ALL_CHUNKS_DONE));
    /** How long a health check's claim on its (instant) assembly lasts, in seconds. */
    private static final int HEALTH_CHECK_LEASE_SECONDS = 30;

    private final Jdbi jdbi;
    private final JobCache jobs;
    private final RunningProgress progress;
    private final JobEvents watchers;
    private final DomainEvents events;
    private final UUID orchestratorId;

    public ChunkCompletion(
            Jdbi jdbi,
            JobCache jobs,
            RunningProgress progress,
            JobEvents watchers,
            DomainEvents events,
            UUID orchestratorId) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.watchers = requireNonNull(watchers, "watchers is null");
        this.events = requireNonNull(events, "events is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
    }

    /** A chunk's segments were accepted and the chunk marked done (with the render time its upload gave). */
    public void chunkCompleted(ChunkRow chunk, OptionalLong renderMillis) {
        events.publish(new ChunkCompleted(chunk));
        renderMillis.ifPresent(millis -> events.publish(new FarmEvent.ChunkRendered(chunk.engine(), millis)));
        // Released first, so that no late progress report of this attempt is taken after the clear.
        events.publish(new AttemptReleased(
                new ChunkLease(chunk.id(), chunk.jobId(), chunk.nodeId(), chunk.attempt()), "done", StopOnNode.NO));
        progress.clear(chunk.id());
        events.publish(new CapacityChanged());
        allChunksDone(chunk.jobId());
    }

    /** Moves the job to assembling when no chunk of it is left undone, and assembles it. */
    public void allChunksDone(UUID jobId) {
        boolean allDone = jdbi.withExtension(
                        ChunkResultDao.class,
                        dao -> dao.markAllChunksDone(jobId, ALL_DONE_FROM, JobState.ASSEMBLING.dbName()))
                == 1;
        watchers.publish(jobId);
        if (allDone) {
            assemble(jobId);
        }
    }

    /**
     * Puts together a job whose chunks are all done (state assembling), also one a previous run
     * left assembling: a health check passes here, the rest are announced to whoever assembles
     * their kind.
     */
    public void assemble(UUID jobId) {
        JobRow job = jobs.get(jobId);
        if (job.jobKind() != JobKind.HEALTH_CHECK) {
            log.info("job {}: all chunks done; assembling", jobId);
            events.publish(new ReadyToAssemble(jobId, job.jobKind()));
            return;
        }
        int finished = jdbi.withExtension(
                AssemblyDao.class,
                dao -> dao.claimAssembly(jobId, orchestratorId, HEALTH_CHECK_LEASE_SECONDS) == 1
                        ? dao.finishAssembly(jobId, orchestratorId, JobState.SUCCEEDED.dbName(), null)
                        : 0);
        if (finished == 1) {
            log.info("health-check job {} passed", jobId);
        }
        jobs.evict(jobId);
        watchers.publish(jobId);
    }
}
