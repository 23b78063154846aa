package ir.flatrender.orchestrator.scheduling;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.assembly.Assembler;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.failures.FailureDao;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.orchestrator.jobs.ChunkLease;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobTransitions;
import ir.flatrender.orchestrator.jobs.RunningProgress;
import ir.flatrender.orchestrator.metrics.FarmMetrics;
import ir.flatrender.orchestrator.nodes.NodeAdminDao;
import ir.flatrender.orchestrator.nodes.NodeRegistry;
import ir.flatrender.orchestrator.nodes.NodeSession;
import ir.flatrender.orchestrator.nodes.NodeState;
import ir.flatrender.orchestrator.snapshots.SnapshotStore;
import ir.flatrender.proto.farm.v1.CancelChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.NodeCommand;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a chunk or job changing state: freeing node slots, telling nodes to stop,
 * waking the scheduler, starting assembly, failing or cancelling the job, and telling watchers.
 */
public final class JobLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);
    private static final String[] OUT_ON_NODE = ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.FAIL));
    private static final String[] CANCELLABLE_CHUNKS =
            ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.CANCEL));
    private static final String[] ALL_DONE_FROM =
            JobState.dbNames(JobTransitions.from(JobTransitions.Event.ALL_CHUNKS_DONE));

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final RunningProgress progress;
    private final JobEvents events;
    private final JobCache jobs;
    private final Scheduler scheduler;
    private final Assembler assembler;
    private final SnapshotStore snapshots;
    private final QuarantinePolicy quarantine;
    private final UUID orchestratorId;
    private final FarmMetrics metrics;

    public JobLifecycle(
            Jdbi jdbi,
            NodeRegistry registry,
            RunningProgress progress,
            JobEvents events,
            JobCache jobs,
            Scheduler scheduler,
            Assembler assembler,
            SnapshotStore snapshots,
            QuarantinePolicy quarantine,
            UUID orchestratorId,
            FarmMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.orchestratorId = requireNonNull(orchestratorId, "orchestratorId is null");
        this.quarantine = requireNonNull(quarantine, "quarantine is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.events = requireNonNull(events, "events is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.assembler = requireNonNull(assembler, "assembler is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
    }

    /** A chunk's segment was accepted and the chunk marked done. */
    public void chunkCompleted(ChunkRow chunk) {
        metrics.chunkCompleted(chunk.engine(), chunk.isAudioTask() ? 0 : chunk.frameEnd() - chunk.frameStart() + 1);
        // Released first, so that no late progress report of this attempt is taken after the clear.
        registry.get(chunk.nodeId()).ifPresent(session -> session.release(chunk.id(), chunk.attempt()));
        progress.clear(chunk.id());
        scheduler.wake(false);
        allChunksDone(chunk.jobId());
    }

    /** Moves the job to assembling when no chunk of it is left undone, and assembles it. */
    public void allChunksDone(UUID jobId) {
        boolean allDone = jdbi.withExtension(
                        JobDao.class, dao -> dao.markAllChunksDone(jobId, ALL_DONE_FROM, JobState.ASSEMBLING.dbName()))
                == 1;
        events.publish(jobId);
        if (allDone) {
            assemble(jobId);
        }
    }

    /**
     * Puts together a job whose chunks are all done (state assembling): a snapshot's still goes
     * into the snapshot cache, a video through the assembler. Also for jobs a previous run left
     * assembling.
     */
    public void assemble(UUID jobId) {
        JobRow job = jobs.get(jobId);
        if (job.kind().equals("health_check")) {
            // Its frames rendered and passed the segment checks: that is the whole test.
            int finished = jdbi.withExtension(
                    JobDao.class,
                    dao -> dao.claimAssembly(jobId, orchestratorId, 30) == 1
                            ? dao.finishAssembly(jobId, orchestratorId, JobState.SUCCEEDED.dbName(), null)
                            : 0);
            if (finished == 1) {
                log.info("health-check job {} passed", jobId);
            }
            jobs.evict(jobId);
            events.publish(jobId);
        } else if (job.isSnapshot()) {
            snapshots.complete(jobId);
            jobs.evict(jobId);
            events.publish(jobId);
        } else {
            log.info("job {}: all chunks done; assembling", jobId);
            assembler.submit(jobId);
        }
    }

    /** A node that failed this many attempts of one job is kept off that job. */
    public static final int BLOCK_AFTER_FAILURES = 2;

    private record Applied(
            boolean applied,
            boolean nodeBlocked,
            boolean nodeQuarantined,
            List<String> sameFailureOn,
            List<UUID> readmitted) {
        static Applied notApplied() {
            return new Applied(false, false, false, List.of(), List.of());
        }

        boolean jobFault() {
            return !sameFailureOn.isEmpty();
        }
    }

    /**
     * An attempt failed. The failure is recorded in {@code render.node_crashes} and counted
     * against the node for this job (twice, and the node is kept off the job), in the same
     * transaction as the chunk's change. The chunk is retried while the job's attempts last,
     * preferably on another node; otherwise it is dead and so is the job. A job that no node
     * may run any more fails at once, with that reason, rather than waiting for ever.
     *
     * @return whether the failure applied (false for a stale attempt)
     */
    public boolean chunkFailed(UUID chunkId, long attempt, ChunkFailure failure) {
        return fail(chunkId, attempt, failure, true, false);
    }

    /**
     * Attempts that ended without a result: their node went away while it ran them
     * ({@code node_lost}) or their lease ran out ({@code lease_expired}). Each is a failed
     * attempt like any other: a row in {@code render.node_crashes}, counted toward the
     * attempt limit and quarantine, and the chunk goes to another node first. Toward the
     * per-job block one loss counts once per job, however many of its chunks the node held:
     * one JVM dying with two slots is one event, not two. A lease that was renewed meanwhile,
     * or an attempt already moved on, is left alone.
     *
     * @return how many were recorded
     */
    public int attemptsLost(List<ChunkLease> leases, String kind, String message) {
        java.util.Set<List<UUID>> counted = new java.util.HashSet<>();
        int recorded = 0;
        for (ChunkLease lease : leases) {
            boolean firstOfJob = lease.nodeId() == null || counted.add(List.of(lease.jobId(), lease.nodeId()));
            try {
                if (fail(lease.id(), lease.attempt(), ChunkFailure.lost(kind, message), firstOfJob, true)) {
                    recorded++;
                }
            } catch (RuntimeException e) {
                // One chunk's trouble (its job ended meanwhile, the database went away) must not
                // leave the others out on a node that is gone; the reaper finds what is left.
                log.warn(
                        "job {}: could not record lost chunk {} attempt {}: {}",
                        lease.jobId(),
                        lease.id(),
                        lease.attempt(),
                        e.toString());
            }
        }
        if (recorded > 0) {
            log.info("{} chunk attempt(s) lost and recorded ({}): {}", recorded, kind, message);
        }
        return recorded;
    }

    private boolean fail(UUID chunkId, long attempt, ChunkFailure failure, boolean countBlock, boolean stopOnNode) {
        Optional<ChunkRow> found = jdbi.withExtension(JobDao.class, dao -> dao.findChunk(chunkId));
        if (found.isEmpty()) {
            return false;
        }
        ChunkRow chunk = found.get();
        if (!ChunkTransitions.isCurrent(chunk.chunkState(), chunk.attempt(), attempt)) {
            return false;
        }
        JobRow job = jobs.get(chunk.jobId());
        ChunkState next = ChunkTransitions.afterFailure(chunk.chunkState(), chunk.failures(), job.maxAttempts());
        String reason = failure.reason();
        boolean expiredOnly = failure.kind().equals("lease_expired");
        Applied applied = jdbi.inTransaction(handle -> {
            if (handle.attach(JobDao.class).failChunk(chunkId, attempt, OUT_ON_NODE, next.dbName(), reason, expiredOnly)
                    == 0) {
                return Applied.notApplied();
            }
            if (chunk.nodeId() == null) {
                return new Applied(true, false, false, List.of(), List.of());
            }
            FailureDao failures = handle.attach(FailureDao.class);
            failures.insertCrash(
                    UUID.randomUUID(),
                    chunk.nodeId(),
                    chunk.jobId(),
                    chunkId,
                    attempt,
                    chunk.engine(),
                    failure.kind(),
                    failure.exitCode().isPresent() ? failure.exitCode().getAsInt() : null,
                    failure.signal().isPresent() ? failure.signal().getAsInt() : null,
                    failure.message(),
                    failure.logTail());
            // The same failure on another node: the job's fault, not the nodes'. It fails the job
            // and counts toward neither node's quarantine; a node it quarantined comes back.
            List<UUID> sameElsewhere = job.kind().equals("video") && ChunkFailure.DETERMINISTIC.contains(failure.kind())
                    ? failures.markJobFault(chunk.jobId(), chunk.nodeId(), failure.kind(), failure.message())
                    : List.of();
            if (!sameElsewhere.isEmpty()) {
                failures.markOwnJobFault(chunkId, attempt);
                List<UUID> readmitted = new java.util.ArrayList<>();
                List<UUID> involved = new java.util.ArrayList<>(sameElsewhere);
                involved.add(chunk.nodeId());
                for (UUID node : involved) {
                    FailureDao.RecentFailures recent =
                            failures.recentFailures(node, quarantine.window().toMillis() / 1000.0);
                    if ((recent.failures() < quarantine.failures() || recent.jobs() < quarantine.acrossJobs())
                            && handle.attach(NodeAdminDao.class)
                                            .readmit(node, new String[] {NodeState.QUARANTINED.dbName()})
                                    == 1) {
                        readmitted.add(node);
                    }
                }
                List<String> names = failures.nodeNames(involved.toArray(UUID[]::new));
                return new Applied(true, false, false, names, readmitted);
            }
            boolean blocked = countBlock && failures.countFailure(chunk.jobId(), chunk.nodeId(), BLOCK_AFTER_FAILURES);
            boolean quarantined = false;
            if (!job.kind().equals("health_check") && ChunkFailure.NODE_FAULTS.contains(failure.kind())) {
                FailureDao.RecentFailures recent = failures.recentFailures(
                        chunk.nodeId(), quarantine.window().toMillis() / 1000.0);
                if (recent.failures() >= quarantine.failures() && recent.jobs() >= quarantine.acrossJobs()) {
                    quarantined = handle.attach(NodeAdminDao.class)
                                    .quarantine(
                                            chunk.nodeId(),
                                            recent.failures() + " failures across " + recent.jobs()
                                                    + " jobs within "
                                                    + quarantine.window().toMinutes()
                                                    + " min; last: " + reason)
                            == 1;
                }
            }
            return new Applied(true, blocked, quarantined, List.of(), List.of());
        });
        if (!applied.applied()) {
            return false;
        }
        metrics.crashed(failure.kind());
        if (chunk.nodeId() != null) {
            registry.get(chunk.nodeId()).ifPresent(session -> {
                if (session.release(chunkId, attempt) && stopOnNode) {
                    // A lease that ran out on a node still connected: it must not go on rendering.
                    tellToStop(session, new ChunkLease(chunkId, chunk.jobId(), chunk.nodeId(), attempt), reason);
                }
                if (applied.nodeQuarantined()) {
                    session.setState(NodeState.QUARANTINED);
                }
            });
        }
        for (UUID node : applied.readmitted()) {
            log.info("node {} taken out of quarantine: its failures were a job's fault", node);
            registry.get(node).ifPresent(session -> session.setState(NodeState.ONLINE));
        }
        progress.clear(chunkId);
        if (applied.jobFault()) {
            log.warn(
                    "job {}: chunk {} failed the same way on {}; the job's fault, not the nodes': {}",
                    chunk.jobId(),
                    chunk.seq(),
                    applied.sameFailureOn(),
                    reason);
            failJob(
                    chunk.jobId(),
                    "it fails the same way on " + String.join(" and ", applied.sameFailureOn())
                            + ", so the fault is the job's (its template or bindings), not the nodes': " + reason);
            events.publish(chunk.jobId());
            return true;
        }
        if (applied.nodeQuarantined()) {
            log.warn(
                    "node {} quarantined after {} engine failures across jobs; it takes work again once it passes"
                            + " a health-check render",
                    chunk.nodeName(),
                    quarantine.failures());
        }
        if (next == ChunkState.DEAD) {
            log.warn(
                    "job {}: chunk {} (frames {}) failed {} times; failing the job: {}",
                    chunk.jobId(),
                    chunk.seq(),
                    chunk.frames(),
                    chunk.failures() + 1,
                    reason);
            failJob(
                    chunk.jobId(),
                    "chunk " + chunk.seq() + " (frames " + chunk.frames() + ") failed " + (chunk.failures() + 1)
                            + " times; last error: " + reason);
        } else if (applied.nodeBlocked() && noNodeLeft(chunk, reason)) {
            // Failed with the reason already.
        } else {
            log.info("job {}: chunk {} attempt {} failed ({}); retrying", chunk.jobId(), chunk.seq(), attempt, reason);
            scheduler.wake(true);
        }
        events.publish(chunk.jobId());
        return true;
    }

    /** After a node was kept off a job: fails the job when no node may run it any more. */
    private boolean noNodeLeft(ChunkRow chunk, String reason) {
        List<String> able = jdbi.withExtension(FailureDao.class, dao -> dao.ableNodes(chunk.jobId(), chunk.engine()));
        List<String> blocked = jdbi.withExtension(FailureDao.class, dao -> dao.blockedNodes(chunk.jobId()));
        log.warn(
                "job {}: node(s) {} kept off it after failing it {} times",
                chunk.jobId(),
                blocked,
                BLOCK_AFTER_FAILURES);
        if (!able.isEmpty()) {
            return false;
        }
        failJob(
                chunk.jobId(),
                "no node left that can run it: " + String.join(", ", blocked) + " failed it "
                        + BLOCK_AFTER_FAILURES + " times each and no other node has the " + chunk.engine()
                        + " engine; last error: " + reason);
        return true;
    }

    /**
     * A node gave an attempt back without it failing (it was stopped on the node itself, e.g.
     * for a shutdown): the chunk is pending again and no failure is counted.
     *
     * @return whether it applied (false for a stale attempt)
     */
    public boolean chunkReturned(UUID chunkId, UUID jobId, UUID nodeId, long attempt, String reason) {
        int updated = jdbi.withExtension(
                JobDao.class,
                dao -> dao.loseChunk(
                        chunkId, attempt, ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE))));
        if (updated == 0) {
            return false;
        }
        chunksTakenBack(List.of(new ChunkLease(chunkId, jobId, nodeId, attempt)), reason);
        return true;
    }

    /** Chunks were taken back from a node (lost, silent, or its lease ran out). */
    public void chunksTakenBack(List<ChunkLease> leases, String reason) {
        for (ChunkLease lease : leases) {
            if (lease.nodeId() != null) {
                registry.get(lease.nodeId()).ifPresent(session -> {
                    if (session.release(lease.id(), lease.attempt())) {
                        tellToStop(session, lease, reason);
                    }
                });
            }
            progress.clear(lease.id());
            events.publish(lease.jobId());
        }
        if (!leases.isEmpty()) {
            log.info("{} chunk(s) back to pending: {}", leases.size(), reason);
            scheduler.wake(true);
        }
    }

    /** Cancels a job: its pending chunks never run and its running ones are stopped on their nodes. */
    public JobRow cancel(UUID jobId, String reason) {
        JobRow job = end(jobId, JobTransitions.Event.CANCEL, JobState.CANCELLED, reason);
        log.info("job {} cancelled: {}", jobId, reason);
        return job;
    }

    /** Holds a job: no more of its chunks are handed out; the ones rendering finish. */
    public JobRow pause(UUID jobId, String reason) {
        JobRow job = control(jobId, JobTransitions.Event.PAUSE, dao -> {
            int paused = dao.pauseJob(jobId, states(JobTransitions.Event.PAUSE));
            if (paused == 1) {
                dao.holdChunks(jobId, true);
            }
            return paused;
        });
        log.info("job {} paused: {}", jobId, reason);
        return job;
    }

    public JobRow resume(UUID jobId, String reason) {
        JobRow job = control(jobId, JobTransitions.Event.RESUME, dao -> {
            int resumed = dao.resumeJob(jobId, states(JobTransitions.Event.RESUME));
            if (resumed == 1) {
                dao.holdChunks(jobId, false);
            }
            return resumed;
        });
        log.info("job {} resumed: {}", jobId, reason);
        // Chunks may have finished while it was paused; the sweep assembles a job whose all did.
        scheduler.wake(true);
        return job;
    }

    /**
     * Runs a failed or cancelled job again: its chunks not done are pending with their failures
     * forgiven, and the nodes it kept off may take it again. Done chunks keep their segments.
     */
    public JobRow retry(UUID jobId, String reason) {
        JobRow current = jobs.get(jobId);
        if (!current.kind().equals("video")) {
            throw new FarmException(
                    ErrorCode.FAILED_PRECONDITION,
                    "job " + jobId + " is a " + current.kind() + " job; submit it again");
        }
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
        scheduler.wake(true);
        return job;
    }

    /** What a requeue sent back. */
    public record Requeued(List<ChunkRow> chunks, JobRow job) {}

    /**
     * Renders a job's chunks again: those overlapping the frames (all when empty) that are done,
     * dead or cancelled go back to pending (done ones recorded as operator repairs), and a job
     * that had ended is queued again, to be assembled again.
     */
    public Requeued requeue(UUID jobId, Optional<ir.flatrender.orchestrator.jobs.FrameRange> frames, String reason) {
        List<ChunkRow> requeued = jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job =
                    dao.findJob(jobId).orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            if (!job.kind().equals("video")) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION,
                        "job " + jobId + " is a " + job.kind() + " job; submit it again");
            }
            if (job.jobState() == JobState.ASSEMBLING) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is being assembled; try again when it ends");
            }
            ir.flatrender.orchestrator.repairs.RepairDao repairs =
                    handle.attach(ir.flatrender.orchestrator.repairs.RepairDao.class);
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
        events.publish(jobId);
        scheduler.wake(true);
        log.info("job {}: {} chunk(s) sent back to render: {}", jobId, requeued.size(), reason);
        return new Requeued(
                requeued,
                jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow());
    }

    /** Changes the priority of the job and of its chunks still to be handed out. */
    public JobRow setPriority(UUID jobId, int priority) {
        jdbi.useTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job =
                    dao.findJob(jobId).orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            if (job.jobState().isTerminal()) {
                throw new FarmException(ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is already " + job.state());
            }
            dao.setJobPriority(jobId, priority);
            dao.setChunkPriority(jobId, priority);
        });
        jobs.evict(jobId);
        scheduler.wake(true);
        events.publish(jobId);
        log.info("job {} priority set to {}", jobId, priority);
        return jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow();
    }

    private static String[] states(JobTransitions.Event event) {
        return JobState.dbNames(JobTransitions.from(event));
    }

    /** Applies a job state change in one transaction, refusing it (with the state) when it does not apply. */
    private JobRow control(UUID jobId, JobTransitions.Event event, java.util.function.ToIntFunction<JobDao> change) {
        jdbi.useTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job =
                    dao.findJob(jobId).orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            if (change.applyAsInt(dao) == 0) {
                throw new FarmException(
                        ErrorCode.FAILED_PRECONDITION,
                        "job " + jobId + " is " + job.state() + "; "
                                + event.name().toLowerCase(java.util.Locale.ROOT)
                                + " applies to a job that is "
                                + String.join(" or ", states(event)));
            }
        });
        jobs.evict(jobId);
        events.publish(jobId);
        return jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow();
    }

    /** Fails a job with a reason people can read, stopping whatever of it still runs. */
    public void failJob(UUID jobId, String reason) {
        try {
            end(jobId, JobTransitions.Event.FAILED, JobState.FAILED, reason);
        } catch (FarmException e) {
            log.debug("job {} had already ended: {}", jobId, e.getMessage());
        }
    }

    private JobRow end(UUID jobId, JobTransitions.Event event, JobState to, String reason) {
        String[] from = JobState.dbNames(JobTransitions.from(event));
        List<ChunkLease> stopped = jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            JobRow job =
                    dao.findJob(jobId).orElseThrow(() -> FarmException.notFound("job " + jobId + " does not exist"));
            if (dao.finishJob(jobId, from, to.dbName(), reason) == 0) {
                throw new FarmException(ErrorCode.FAILED_PRECONDITION, "job " + jobId + " is already " + job.state());
            }
            return dao.cancelChunks(jobId, CANCELLABLE_CHUNKS);
        });
        for (ChunkLease lease : stopped) {
            if (lease.nodeId() != null) {
                registry.get(lease.nodeId()).ifPresent(session -> {
                    session.release(lease.id(), lease.attempt());
                    tellToStop(session, lease, reason);
                });
            }
            progress.clear(lease.id());
        }
        jobs.evict(jobId);
        scheduler.wake(false);
        events.publish(jobId);
        return jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow();
    }

    private static void tellToStop(NodeSession session, ChunkLease lease, String reason) {
        session.send(NodeCommand.newBuilder()
                .setCancel(CancelChunk.newBuilder()
                        .setChunk(ChunkRef.newBuilder()
                                .setChunkId(lease.id().toString())
                                .setAttempt(lease.attempt())
                                .setJobId(lease.jobId().toString()))
                        .setReason(reason))
                .build());
    }
}
