package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.health.QuarantineDao;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.storage.BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health-check renders of quarantined nodes: a few frames of the job a node last failed with (a
 * job of that engine that succeeded since), at 360p, only for that node and ahead of other work.
 * Passing one readmits the node; failing one sets the next after a growing backoff ({@link
 * QuarantinePolicy}).
 */
public final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    /** Health checks run as this tenant, apart from every client's jobs. */
    public static final UUID HEALTH_CHECK_TENANT = new UUID(0, 0);

    private static final int HEALTH_CHECK_FRAMES = 5;

    private final Jdbi jdbi;
    private final NodeRegistry registry;
    private final JobSubmitter submitter;
    private final BlobStore blobs;
    private final QuarantinePolicy policy;
    private final Clock clock;

    public HealthChecks(
            Jdbi jdbi,
            NodeRegistry registry,
            JobSubmitter submitter,
            BlobStore blobs,
            QuarantinePolicy policy,
            Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Looks after a quarantined node's health check: judges the one it has (passed: the node is
     * readmitted, answered true; failed: the next is due after the backoff), or queues one when
     * it is due and the node is connected here.
     */
    boolean check(NodeView node) {
        if (node.healthCheckJobId() != null) {
            Optional<JobRow> job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(node.healthCheckJobId()));
            JobState state = job.map(JobRow::jobState).orElse(JobState.FAILED);
            if (state == JobState.SUCCEEDED) {
                int readmitted = jdbi.withExtension(QuarantineDao.class, dao -> dao.readmitQuarantined(node.id()));
                if (readmitted == 1) {
                    log.info("node {} passed its health-check render; it takes work again", node.name());
                }
                deleteSegments(node.healthCheckJobId());
                return readmitted == 1;
            } else if (state.isTerminal()) {
                Duration backoff = policy.backoffAfter(node.healthChecksFailed() + 1);
                jdbi.useExtension(
                        NodeAdminDao.class,
                        dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(backoff)));
                log.warn(
                        "node {} failed health-check render {} ({}); the next in {}s",
                        node.name(),
                        node.healthChecksFailed() + 1,
                        job.map(JobRow::error).orElse("gone"),
                        backoff.toSeconds());
                deleteSegments(node.healthCheckJobId());
            }
            return false;
        }
        if (node.healthCheckDueAt() == null
                || node.healthCheckDueAt().isAfter(clock.instant())
                || registry.get(node.id()).isEmpty()) {
            return false;
        }
        Optional<SubmitCommand> check = healthCheckOf(node);
        if (check.isEmpty()) {
            // Nothing it failed is left to test with: an operator decides (nodes release).
            jdbi.useExtension(
                    NodeAdminDao.class,
                    dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(policy.maxRecheckBackoff())));
            log.warn(
                    "node {} is quarantined and no job of the engine it failed with has succeeded to probe it"
                            + " with; release it by hand (nodes release) once it is fixed",
                    node.name());
            return false;
        }
        try {
            JobRow job = submitter.submitHealthCheck(check.get(), node.id()).job();
            jdbi.useExtension(NodeAdminDao.class, dao -> dao.startHealthCheck(node.id(), job.id()));
            log.info("node {}: health-check render {} queued", node.name(), job.id());
        } catch (FarmException e) {
            jdbi.useExtension(
                    NodeAdminDao.class,
                    dao -> dao.healthCheckFailed(node.id(), clock.instant().plus(policy.maxRecheckBackoff())));
            log.warn("node {}: could not make a health-check render: {}", node.name(), e.getMessage());
        }
        return false;
    }

    /**
     * The probe a quarantined node renders: a few frames, at 360p, of the latest job of the
     * engine it failed with that succeeded on the farm — known to render, so the check tests
     * the node and can pass. Never the job it failed: a broken template would fail every check
     * on every node, and the node would stay out for good.
     */
    private Optional<SubmitCommand> healthCheckOf(NodeView node) {
        return jdbi.withHandle(handle -> {
            Optional<String> engine = handle.createQuery("""
                            SELECT c.engine FROM render.node_crashes c
                            JOIN render.render_jobs j ON j.id = c.job_id
                            WHERE c.node_id = :nodeId AND j.kind = 'video' AND NOT c.job_fault
                            ORDER BY c.created_at DESC LIMIT 1
                            """)
                    .bind("nodeId", node.id())
                    .mapTo(String.class)
                    .findOne();
            if (engine.isEmpty()) {
                return Optional.empty();
            }
            Optional<UUID> good = handle.createQuery("""
                            SELECT id FROM render.render_jobs
                            WHERE kind = 'video' AND state = 'succeeded' AND engine = :engine
                            ORDER BY finished_at DESC NULLS LAST LIMIT 1
                            """)
                    .bind("engine", engine.get())
                    .mapTo(UUID.class)
                    .findOne();
            if (good.isEmpty()) {
                return Optional.empty();
            }
            JobDao dao = handle.attach(JobDao.class);
            Optional<JobRow> job = dao.findJob(good.get());
            Optional<ChunkRow> chunk = job.flatMap(found -> dao.listChunks(found.id()).stream()
                    .filter(c -> !c.isAudioTask())
                    .findFirst());
            if (job.isEmpty() || chunk.isEmpty()) {
                return Optional.empty();
            }
            int start = chunk.get().frameStart();
            int end = Math.min(chunk.get().frameEnd(), start + HEALTH_CHECK_FRAMES - 1);
            return Optional.of(new SubmitCommand(
                    HEALTH_CHECK_TENANT,
                    job.get().templateId(),
                    job.get().templateVersion(),
                    (ObjectNode) job.get().bindings(),
                    job.get().aspect(),
                    "360p",
                    Optional.of(new FrameRange(start, end)),
                    job.get().fps(),
                    "",
                    0,
                    end - start + 1,
                    1,
                    List.of(),
                    List.of(),
                    Optional.empty()));
        });
    }

    private void deleteSegments(UUID jobId) {
        try {
            blobs.deleteTree("segments/" + jobId);
        } catch (IOException e) {
            log.warn("could not delete the health check's segments: {}", e.getMessage());
        }
    }
}
