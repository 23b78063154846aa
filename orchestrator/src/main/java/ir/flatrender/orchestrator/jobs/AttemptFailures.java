package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.failures.ChunkFailure;
import ir.flatrender.orchestrator.failures.FailureDao;
import ir.flatrender.orchestrator.failures.FailureKind;
import ir.flatrender.orchestrator.health.QuarantineDao;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.orchestrator.jobs.FarmEvent.AttemptFailed;
import ir.flatrender.orchestrator.jobs.FarmEvent.AttemptReleased;
import ir.flatrender.orchestrator.jobs.FarmEvent.NodeQuarantined;
import ir.flatrender.orchestrator.jobs.FarmEvent.NodeReadmitted;
import ir.flatrender.orchestrator.jobs.FarmEvent.StopOnNode;
import ir.flatrender.orchestrator.jobs.FarmEvent.WorkAdded;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which an attempt ends without a result: it failed on its node, its node went
 * away, its lease ran out, or its node gave it back. Each is recorded against the chunk and the
 * node in one transaction (the attempt fenced), and the chunk is retried, or the job fails, as
 * the failures say; the node sessions, the scheduler and metrics hear of it as {@link FarmEvent}s.
 */
public final class AttemptFailures {
    private static final Logger log = LoggerFactory.getLogger(AttemptFailures.class);
    private static final String[] OUT_ON_NODE = ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.FAIL));
    private static final String[] LOSABLE = ChunkState.dbNames(ChunkTransitions.from(ChunkTransitions.Event.LOSE_NODE));

    /** A node that failed this many attempts of one job is kept off that job. */
    public static final int BLOCK_AFTER_FAILURES = 2;

    private final Jdbi jdbi;
    private final JobCache jobs;
    private final RunningProgress progress;
    private final JobEvents watchers;
    private final DomainEvents events;
    private final QuarantinePolicy quarantine;
    private final JobControl control;

    public AttemptFailures(
            Jdbi jdbi,
            JobCache jobs,
            RunningProgress progress,
            JobEvents watchers,
            DomainEvents events,
            QuarantinePolicy quarantine,
            JobControl control) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.watchers = requireNonNull(watchers, "watchers is null");
        this.events = requireNonNull(events, "events is null");
        this.quarantine = requireNonNull(quarantine, "quarantine is null");
        this.control = requireNonNull(control, "control is null");
    }

    private record Applied(
            boolean applied,
            boolean nodeBlocked,
            boolean nodeQuarantined,
            List<String> sameFailureOn,
            List<UUID> readmitted) {
        static final Applied NOT_APPLIED = new Applied(false, false, false, List.of(), List.of());
        static final Applied PLAIN = new Applied(true, false, false, List.of(), List.of());

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
    public int attemptsLost(List<ChunkLease> leases, FailureKind kind, String message) {
        Set<List<UUID>> counted = new HashSet<>();
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
            log.info("{} chunk attempt(s) lost and recorded ({}): {}", recorded, kind.dbName(), message);
        }
        return recorded;
    }

    /**
     * A node gave an attempt back without it failing (it was stopped on the node itself, e.g.
     * for a shutdown): the chunk is pending again and no failure is counted.
     *
     * @return whether it applied (false for a stale attempt)
     */
    public boolean chunkReturned(UUID chunkId, UUID jobId, UUID nodeId, long attempt, String reason) {
        if (jdbi.withExtension(LeaseDao.class, dao -> dao.returnChunk(chunkId, attempt, LOSABLE, reason, false)) == 0) {
            return false;
        }
        chunksTakenBack(List.of(new ChunkLease(chunkId, jobId, nodeId, attempt)), reason);
        return true;
    }

    /** Chunks were taken back from a node (lost, silent, or its lease ran out). */
    public void chunksTakenBack(List<ChunkLease> leases, String reason) {
        for (ChunkLease lease : leases) {
            if (lease.nodeId() != null) {
                events.publish(new AttemptReleased(lease, reason, StopOnNode.IF_HELD));
            }
            progress.clear(lease.id());
            watchers.publish(lease.jobId());
        }
        if (!leases.isEmpty()) {
            log.info("{} chunk(s) back to pending: {}", leases.size(), reason);
            events.publish(new WorkAdded());
        }
    }

    private boolean fail(UUID chunkId, long attempt, ChunkFailure failure, boolean countBlock, boolean stopOnNode) {
        Optional<ChunkRow> found = jdbi.withExtension(ChunkResultDao.class, dao -> dao.findChunk(chunkId));
        if (found.isEmpty()
                || !ChunkTransitions.isCurrent(
                        found.get().chunkState(), found.get().attempt(), attempt)) {
            return false;
        }
        ChunkRow chunk = found.get();
        JobRow job = jobs.get(chunk.jobId());
        ChunkState next = ChunkTransitions.afterFailure(chunk.chunkState(), chunk.failures(), job.maxAttempts());
        String reason = failure.reason();
        boolean expiredOnly = failure.kind() == FailureKind.LEASE_EXPIRED;
        Applied applied = jdbi.inTransaction(handle -> {
            if (handle.attach(LeaseDao.class)
                            .failChunk(chunkId, attempt, OUT_ON_NODE, next.dbName(), reason, expiredOnly)
                    == 0) {
                return Applied.NOT_APPLIED;
            }
            return chunk.nodeId() == null ? Applied.PLAIN : record(handle, job, chunk, attempt, failure, countBlock);
        });
        if (!applied.applied()) {
            return false;
        }
        events.publish(new AttemptFailed(failure.kind()));
        if (chunk.nodeId() != null) {
            ChunkLease lease = new ChunkLease(chunkId, chunk.jobId(), chunk.nodeId(), attempt);
            // A lease that ran out on a node still connected: it must not go on rendering.
            events.publish(new AttemptReleased(lease, reason, stopOnNode ? StopOnNode.IF_HELD : StopOnNode.NO));
            if (applied.nodeQuarantined()) {
                events.publish(new NodeQuarantined(chunk.nodeId()));
            }
        }
        for (UUID node : applied.readmitted()) {
            log.info("node {} taken out of quarantine: its failures were a job's fault", node);
            events.publish(new NodeReadmitted(node));
        }
        progress.clear(chunkId);
        if (applied.jobFault()) {
            log.warn(
                    "job {}: chunk {} failed the same way on {}; the job's fault, not the nodes': {}",
                    chunk.jobId(),
                    chunk.seq(),
                    applied.sameFailureOn(),
                    reason);
            control.failJob(
                    chunk.jobId(),
                    "it fails the same way on " + String.join(" and ", applied.sameFailureOn())
                            + ", so the fault is the job's (its template or bindings), not the nodes': " + reason);
            watchers.publish(chunk.jobId());
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
            control.failJob(
                    chunk.jobId(),
                    "chunk " + chunk.seq() + " (frames " + chunk.frames() + ") failed " + (chunk.failures() + 1)
                            + " times; last error: " + reason);
        } else if (applied.nodeBlocked() && noNodeLeft(chunk, reason)) {
            // Failed with the reason already.
        } else {
            log.info("job {}: chunk {} attempt {} failed ({}); retrying", chunk.jobId(), chunk.seq(), attempt, reason);
            events.publish(new WorkAdded());
        }
        watchers.publish(chunk.jobId());
        return true;
    }

    /**
     * Records a failed attempt of a node, inside the transaction that failed the chunk: the crash
     * row; when the same failure happened on another node, the job's fault (and the nodes it
     * quarantined let back); else the node's count against the job and its quarantine.
     */
    private Applied record(
            Handle handle, JobRow job, ChunkRow chunk, long attempt, ChunkFailure failure, boolean countBlock) {
        FailureDao failures = handle.attach(FailureDao.class);
        QuarantineDao nodes = handle.attach(QuarantineDao.class);
        failures.insertCrash(
                UUID.randomUUID(),
                chunk.nodeId(),
                chunk.jobId(),
                chunk.id(),
                attempt,
                chunk.engine(),
                failure.kind().dbName(),
                failure.exitCode().isPresent() ? failure.exitCode().getAsInt() : null,
                failure.signal().isPresent() ? failure.signal().getAsInt() : null,
                failure.message(),
                failure.logTail());
        double window = quarantine.window().toMillis() / 1000.0;
        // The same failure on another node: the job's fault, not the nodes'. It fails the job
        // and counts toward neither node's quarantine; a node it quarantined comes back.
        List<UUID> sameElsewhere =
                job.jobKind() == JobKind.VIDEO && failure.kind().deterministic()
                        ? failures.markJobFault(
                                chunk.jobId(), chunk.nodeId(), failure.kind().dbName(), failure.message())
                        : List.of();
        if (!sameElsewhere.isEmpty()) {
            failures.markOwnJobFault(chunk.id(), attempt);
            List<UUID> readmitted = new ArrayList<>();
            List<UUID> involved = new ArrayList<>(sameElsewhere);
            involved.add(chunk.nodeId());
            for (UUID node : involved) {
                FailureDao.RecentFailures recent = failures.recentFailures(node, window);
                if ((recent.failures() < quarantine.failures() || recent.jobs() < quarantine.acrossJobs())
                        && nodes.readmitQuarantined(node) == 1) {
                    readmitted.add(node);
                }
            }
            List<String> names = failures.nodeNames(involved.toArray(UUID[]::new));
            return new Applied(true, false, false, names, readmitted);
        }
        boolean blocked = countBlock && failures.countFailure(chunk.jobId(), chunk.nodeId(), BLOCK_AFTER_FAILURES);
        boolean quarantined = false;
        if (job.jobKind() != JobKind.HEALTH_CHECK && failure.kind().nodeFault()) {
            FailureDao.RecentFailures recent = failures.recentFailures(chunk.nodeId(), window);
            if (recent.failures() >= quarantine.failures() && recent.jobs() >= quarantine.acrossJobs()) {
                quarantined = nodes.quarantine(
                                chunk.nodeId(),
                                recent.failures() + " failures across " + recent.jobs() + " jobs within "
                                        + quarantine.window().toMinutes() + " min; last: " + failure.reason())
                        == 1;
            }
        }
        return new Applied(true, blocked, quarantined, List.of(), List.of());
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
        control.failJob(
                chunk.jobId(),
                "no node left that can run it: " + String.join(", ", blocked) + " failed it "
                        + BLOCK_AFTER_FAILURES + " times each and no other node has the " + chunk.engine()
                        + " engine; last error: " + reason);
        return true;
    }
}
