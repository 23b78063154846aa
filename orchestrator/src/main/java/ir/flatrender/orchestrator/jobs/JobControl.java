package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.FarmEvent.AttemptReleased;
import ir.flatrender.orchestrator.jobs.FarmEvent.CapacityChanged;
import ir.flatrender.orchestrator.jobs.FarmEvent.StopOnNode;
import ir.flatrender.orchestrator.jobs.FarmEvent.WorkAdded;
import ir.flatrender.orchestrator.repairs.RepairDao;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people and the farm do to a whole job: cancel, pause, resume, retry, requeue, change its
 * priority, fail it. Each change is one transaction that refuses (with the job's state) what
 * does not apply; what follows it (nodes told to stop, the scheduler woken, watchers told) goes
 * out as {@link FarmEvent}s.
 */
public final class JobControl {
    private static final Logger log = LoggerFactory.getLogger(JobControl.class);
    private static final String[] CANCELLABLE_CHUNKS =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.CANCEL));

    private final Jdbi jdbi;
    private final JobCache jobs;
    private final RunningProgress progress;
    private final JobEvents watchers;
    private final DomainEvents events;

    public JobControl(Jdbi jdbi, JobCache jobs, RunningProgress progress, JobEvents watchers, DomainEvents events) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.watchers = requireNonNull(watchers, "watchers is null");
        this.events = requireNonNull(events, "events is null");
    }

    /** Cancels a job: its pending chunks never run and its running ones are stopped on their nodes. */
    public JobRow cancel(UUID jobId, String reason) {
        JobRow job = end(jobId, JobTransitions.Event.CANCEL, JobState.CANCELLED, reason);
        log.info("job {} cancelled: {}", jobId, reason);
        return job;
    }

    /** Holds a job: no more of its chunks are handed out; the ones rendering finish. */
    public JobRow pause(UUID jobId, String reason) {
        return hold(jobId, JobTransitions.Event.PAUSE, true, reason);
    }

    public JobRow resume(UUID jobId, String reason) {
        JobRow job = hold(jobId, JobTransitions.Event.RESUME, false, reason);
        // Chunks may have finished while it was paused; the sweep assembles a job whose all did.
        events.publish(new WorkAdded());
        return job;
    }

    private JobRow hold(UUID jobId, JobTransitions.Event event, boolean held, String reason) {
        JobRow job = control(jobId, event, dao -> {
            String[] from = states(event);
            int changed = held ? dao.pauseJob(jobId, from) : dao.resumeJob(jobId, from);
            if (changed == 1) {
                dao.holdChunks(jobId, held);
            }
            return changed;
        });
        log.info("job {} {}: {}", jobId, held ? "paused" : "resumed", reason);
        return job;
    }

    /**
     * Runs a failed or cancelled job again: its chunks not done are pending with their failures
     * forgiven, and the nodes it kept off may take it again. Done chunks keep their segments.
     */
    public JobRow retry(UUID jobId, String reason) {
        requireVideo(jobs.get(jobId));
        JobRow job = control(jobId, JobTransitions.Event.RETRY, dao -> {
            if (dao.retryJob(jobId, states(JobTransitions.Event.RETRY)) == 0) {
                return 0;
            }
            int reopened = dao.reopenUndoneChunks(jobId);
            dao.holdChunks(jobId, false);
            dao.clearBlocks(jobId);
            log.info("job {} retried ({}): {} chunk(s) to render again", jobId, reason, reopened);
            return 1;
        });
        events.publish(new WorkAdded());
        return job;
    }

    /** What a requeue sent back. */
    public record Requeued(List<ChunkRow> chunks, JobRow job) {}

    /**
     * Renders a job's chunks again: those overlapping the frames (all when empty) that are done,
     * dead or cancelled go back to pending (done ones recorded as operator repairs), and a job
     * that had ended is queued again, to be assembled again.
     */
    public Requeued requeue(UUID jobId, Optional<FrameRange> frames, String reason) {
        List<ChunkRow> requeued = jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = find(dao, jobId);
            requireVideo(job);
            if (job.jobState() == JobState.ASSEMBLING) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is being assembled; try again when it ends");
            }
            RepairDao repairs = handle.attach(RepairDao.class);
            List<ChunkRow> chosen = dao.listChunks(jobId).stream()
                    .filter(c -> frames.isEmpty()
                            || (c.frameEnd() >= frames.get().start()
                                    && c.frameStart() <= frames.get().end()))
                    .filter(c -> !c.chunkState().isActive() && c.chunkState() != ChunkState.PENDING)
                    .toList();
            if (chosen.isEmpty()) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION,
                        "no chunk of job " + jobId
                                + frames.map(f -> " in frames " + f).orElse("")
                                + " is done or ended; those pending or rendering render anyway");
            }
            for (ChunkRow chunk : chosen) {
                if (chunk.chunkState() == ChunkState.DONE) {
                    repairs.insert(
                            UUID.randomUUID(),
                            jobId,
                            chunk.id(),
                            chunk.attempt(),
                            chunk.frameStart(),
                            chunk.frameEnd(),
                            null,
                            "operator",
                            reason);
                }
                repairs.requeueChunk(chunk.id());
            }
            if (job.jobState().isTerminal()) {
                dao.retryJob(jobId, states(JobTransitions.Event.REQUEUE));
                dao.holdChunks(jobId, false);
                dao.clearBlocks(jobId);
            }
            return chosen;
        });
        jobs.evict(jobId);
        watchers.publish(jobId);
        events.publish(new WorkAdded());
        log.info("job {}: {} chunk(s) sent back to render: {}", jobId, requeued.size(), reason);
        return new Requeued(requeued, reread(jobId));
    }

    /** Changes the priority of the job and of its chunks still to be handed out. */
    public JobRow setPriority(UUID jobId, int priority) {
        jdbi.useTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = find(dao, jobId);
            if (job.jobState().isTerminal()) {
                throw new FarmException(ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is already " + job.state());
            }
            dao.setJobPriority(jobId, priority);
            dao.setChunkPriority(jobId, priority);
        });
        jobs.evict(jobId);
        events.publish(new WorkAdded());
        watchers.publish(jobId);
        log.info("job {} priority set to {}", jobId, priority);
        return reread(jobId);
    }

    /** Fails a job with a reason people can read, stopping whatever of it still runs. */
    public void failJob(UUID jobId, String reason) {
        try {
            end(jobId, JobTransitions.Event.FAILED, JobState.FAILED, reason);
        } catch (FarmException e) {
            log.debug("job {} had already ended: {}", jobId, e.getMessage());
        }
    }

    private static void requireVideo(JobRow job) {
        if (job.jobKind() != JobKind.VIDEO) {
            throw new FarmException(
                    ErrorCode.FAILED_PRECONDITION, "job " + job.id() + " is a " + job.kind() + " job; submit it again");
        }
    }

    private static String[] states(JobTransitions.Event event) {
        return JobState.dbNames(JobTransitions.from(event));
    }

    private static JobRow find(JobDao dao, UUID jobId) {
        return dao.findJob(jobId).orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
    }

    private JobRow reread(UUID jobId) {
        return jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow();
    }

    /** Applies a job state change in one transaction, refusing it (with the state) when it does not apply. */
    private JobRow control(UUID jobId, JobTransitions.Event event, ToIntFunction<JobDao> change) {
        jdbi.useTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = find(dao, jobId);
            if (change.applyAsInt(dao) == 0) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION,
                        "job " + jobId + " is " + job.state() + "; "
                                + event.name().toLowerCase(Locale.ROOT)
                                + " applies to a job that is "
                                + String.join(" or ", states(event)));
            }
        });
        jobs.evict(jobId);
        watchers.publish(jobId);
        return reread(jobId);
    }

    private JobRow end(UUID jobId, JobTransitions.Event event, JobState to, String reason) {
        String[] from = states(event);
        List<ChunkLease> stopped = jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job = find(dao, jobId);
            if (dao.finishJob(jobId, from, to.dbName(), reason) == 0) {
                throw new FarmException(ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is already " + job.state());
            }
            return dao.cancelChunks(jobId, CANCELLABLE_CHUNKS);
        });
        for (ChunkLease lease : stopped) {
            if (lease.nodeId() != null) {
                events.publish(new AttemptReleased(lease, reason, StopOnNode.ALWAYS));
            }
            progress.clear(lease.id());
        }
        jobs.evict(jobId);
        events.publish(new CapacityChanged());
        watchers.publish(jobId);
        return reread(jobId);
    }
}
