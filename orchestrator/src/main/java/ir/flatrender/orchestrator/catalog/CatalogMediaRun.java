package ir.flatrender.orchestrator.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import ir.flatrender.orchestrator.jobs.JobEndWait;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One template's media, rendered on a thread of its own: each cover as a still (the snapshot
 * service's render, waited for here), then the preview job, waited for; each is linked to the
 * entry as {@code SetCatalogMedia} links it ({@link TemplateCatalogView}) the moment it is made,
 * so a failure of one leaves the others linked and links nothing of its own. A failure is logged
 * here and is its job's (GetJob shows why).
 */
final class CatalogMediaRun implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CatalogMediaRun.class);

    private final CatalogMediaPlan plan;
    private final Optional<UUID> previewJob;
    private final boolean again;
    private final Parts parts;
    private final Runnable done;

    /** What every run uses. */
    record Parts(TemplateCatalogView catalog, SnapshotService snapshots, JobEndWait ends, CatalogMediaConfig config) {
        Parts {
            requireNonNull(catalog, "catalog is null");
            requireNonNull(snapshots, "snapshots is null");
            requireNonNull(ends, "ends is null");
            requireNonNull(config, "config is null");
        }
    }

    /**
     * @param again render the covers even when the snapshot cache holds them
     * @param done called when the run ends, however it ends
     */
    CatalogMediaRun(CatalogMediaPlan plan, Optional<UUID> previewJob, boolean again, Parts parts, Runnable done) {
        this.plan = requireNonNull(plan, "plan is null");
        this.previewJob = requireNonNull(previewJob, "previewJob is null");
        this.again = again;
        this.parts = requireNonNull(parts, "parts is null");
        this.done = requireNonNull(done, "done is null");
    }

    @Override
    public void run() {
        try {
            for (CatalogMediaPlan.Cover cover : plan.covers()) {
                if (stopping()) {
                    return;
                }
                cover(cover);
            }
            if (!stopping()) {
                previewJob.ifPresent(this::preview);
            }
        } finally {
            done.run();
        }
    }

    /** Whether the orchestrator is stopping (the pool interrupted this run): what is left is left. */
    private boolean stopping() {
        if (Thread.currentThread().isInterrupted()) {
            log.info("{} v{}: the orchestrator is stopping; catalog media left unmade", name(), version());
            return true;
        }
        return false;
    }

    private String name() {
        return plan.templateId();
    }

    private int version() {
        return plan.templateVersion();
    }

    private void cover(CatalogMediaPlan.Cover cover) {
        long started = System.nanoTime();
        try {
            SnapshotService.Request request = new SnapshotService.Request(
                    plan.tenantId(),
                    plan.templateId(),
                    plan.templateVersion(),
                    JsonNodeFactory.instance.objectNode(),
                    cover.aspect(),
                    cover.frame(),
                    cover.tier(),
                    CatalogMediaPlan.COVER_FORMAT);
            SnapshotService.Result still = again
                    ? parts.snapshots().renderAgain(request, parts.config().coverTimeout(), () -> false)
                    : parts.snapshots().render(request, parts.config().coverTimeout(), () -> false);
            CatalogRows.Media linked =
                    parts.catalog().coverFromSnapshot(plan.templateId(), plan.templateVersion(), still.cacheKey());
            log.info(
                    "{} v{}: catalog cover {} {}x{} linked ({} bytes, {} in {} ms)",
                    name(),
                    version(),
                    linked.aspect(),
                    linked.width(),
                    linked.height(),
                    linked.sizeBytes(),
                    still.cached() ? "from the snapshot cache" : "rendered",
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                log.warn(
                        "{} v{}: the catalog cover {} was not made: {}",
                        name(),
                        version(),
                        cover.aspect(),
                        e.toString());
            }
            // Interrupted, the orchestrator is stopping: the next step says so and ends the run.
        }
    }

    private void preview(UUID jobId) {
        try {
            Optional<JobRow> ended = parts.ends().await(jobId, parts.config().previewTimeout(), () -> false);
            if (ended.isEmpty()) {
                log.warn(
                        "{} v{}: the catalog preview's job {} is not done after {}; it goes on, and asking for the "
                                + "media again links it once it succeeded",
                        name(),
                        version(),
                        jobId,
                        parts.config().previewTimeout());
                return;
            }
            if (ended.get().jobState() != JobState.SUCCEEDED) {
                log.warn(
                        "{} v{}: the catalog preview's job {} ended {}: {}",
                        name(),
                        version(),
                        jobId,
                        ended.get().jobState().dbName(),
                        ended.get().error());
                return;
            }
            CatalogRows.Media linked = parts.catalog().previewFromJob(plan.templateId(), plan.templateVersion(), jobId);
            log.info(
                    "{} v{}: catalog preview {} {}x{}, {} frames linked from job {} ({} bytes)",
                    name(),
                    version(),
                    linked.aspect(),
                    linked.width(),
                    linked.height(),
                    linked.frameCount(),
                    jobId,
                    linked.sizeBytes());
        } catch (RuntimeException e) {
            log.warn(
                    "{} v{}: the catalog preview of job {} was not linked: {}", name(), version(), jobId, e.toString());
        }
    }
}
