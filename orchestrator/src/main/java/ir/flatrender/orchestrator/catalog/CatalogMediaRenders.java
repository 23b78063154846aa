package ir.flatrender.orchestrator.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.jobs.JobEndWait;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm renders a catalog entry's media itself (RenderCatalogMedia): what its current version
 * lacks (or all of it, forced) is planned ({@link CatalogMediaPlan}), the preview job submitted at
 * once (so the answer names it), and the rest run on a thread of their own ({@link
 * CatalogMediaRun}), which links each render to the entry when it is done.
 *
 * <p>The renders are the template's own tenant's (the default tenant for the pack), submitted
 * inside the farm: the gateway bills only the renders it orders, so these cost nobody anything.
 *
 * <p>Bounded: one run per template at a time, and a call for a template whose run is in progress
 * starts nothing and answers what that run started (so a repeated call, or a second operator,
 * follows the same jobs); at most {@link CatalogMediaConfig#maxRunning} templates at once, a
 * call for one more is refused (RESOURCE_EXHAUSTED). Nothing is kept but in memory: after a
 * restart a call renders what is still missing, and finds a preview job still queued or running
 * (or one that succeeded but was not linked) by its idempotency key instead of rendering again.
 */
public final class CatalogMediaRenders {
    private static final Logger log = LoggerFactory.getLogger(CatalogMediaRenders.class);

    private final TemplateCatalogView catalog;
    private final JobSubmitter submitter;
    private final CatalogMediaRun.Parts parts;
    private final Executor executor;
    /** Held while a call decides and submits, so that two calls for one template start one run. */
    private final ReentrantLock starting = new ReentrantLock();
    /** Guarded by {@link #starting}: the runs in progress, by template. */
    private final Map<String, Started> running = new HashMap<>();

    public CatalogMediaRenders(
            TemplateCatalogView catalog,
            SnapshotService snapshots,
            JobSubmitter submitter,
            JobEndWait ends,
            Executor executor,
            CatalogMediaConfig config) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.parts = new CatalogMediaRun.Parts(catalog, snapshots, ends, config);
    }

    /** What a call started (or the run in progress had started): covers, whether a preview, its job. */
    public record Started(int templateVersion, int covers, boolean preview, List<UUID> jobIds) {
        public Started {
            jobIds = List.copyOf(jobIds);
        }
    }

    /** Starts what the template's current version lacks (all of it with force); answers at once. */
    public Started start(String templateId, boolean force) {
        requireNonNull(templateId, "templateId is null");
        starting.lock();
        try {
            Started inProgress = running.get(templateId);
            if (inProgress != null) {
                return inProgress;
            }
            CatalogMediaPlan plan = CatalogMediaPlan.of(catalog.entry(templateId), force);
            if (plan.isEmpty()) {
                return new Started(plan.templateVersion(), 0, false, List.of());
            }
            if (running.size() >= parts.config().maxRunning()) {
                throw new FarmException(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "the farm is rendering the catalog media of " + running.size() + " templates "
                                + running.keySet() + ", as many as it does at once; ask again when one is done");
            }
            Optional<UUID> previewJob = plan.preview().map(preview -> submitPreview(plan, preview, force));
            Started started = new Started(
                    plan.templateVersion(),
                    plan.covers().size(),
                    previewJob.isPresent(),
                    previewJob.stream().toList());
            running.put(templateId, started);
            try {
                executor.execute(new CatalogMediaRun(plan, previewJob, force, parts, () -> finished(templateId)));
            } catch (RejectedExecutionException e) {
                running.remove(templateId);
                throw new FarmException(ErrorCode.UNAVAILABLE, "the orchestrator is stopping; ask again");
            }
            log.info(
                    "{} v{}: rendering catalog media for tenant {}: {} cover(s) {}, preview {}{}",
                    templateId,
                    plan.templateVersion(),
                    plan.tenantId(),
                    plan.covers().size(),
                    plan.covers().stream().map(CatalogMediaPlan.Cover::aspect).toList(),
                    previewJob.map(job -> "job " + job).orElse("none"),
                    force ? " (forced)" : "");
            return started;
        } finally {
            starting.unlock();
        }
    }

    private void finished(String templateId) {
        starting.lock();
        try {
            running.remove(templateId);
        } finally {
            starting.unlock();
        }
    }

    /**
     * The preview's job. Unforced, its idempotency key names the template version, so a call after
     * a restart finds the job it started before; a job of that key that failed or was cancelled is
     * replaced by a new one. Forced, a new job whatever rendered before.
     */
    private UUID submitPreview(CatalogMediaPlan plan, CatalogMediaPlan.Preview preview, boolean force) {
        String key = "catalog-preview:" + plan.templateId() + ":v" + plan.templateVersion();
        JobSubmitter.Submitted submitted =
                submitter.submit(previewCommand(plan, preview, force ? key + ":" + UUID.randomUUID() : key));
        JobState state = submitted.job().jobState();
        if (!submitted.created() && (state == JobState.FAILED || state == JobState.CANCELLED)) {
            submitted = submitter.submit(previewCommand(plan, preview, key + ":" + UUID.randomUUID()));
        }
        return submitted.job().id();
    }

    private static SubmitCommand previewCommand(
            CatalogMediaPlan plan, CatalogMediaPlan.Preview preview, String idempotencyKey) {
        return new SubmitCommand(
                plan.tenantId(),
                plan.templateId(),
                plan.templateVersion(),
                JsonNodeFactory.instance.objectNode(),
                preview.aspect(),
                preview.tier(),
                Optional.empty(),
                0,
                idempotencyKey,
                0,
                0,
                0,
                List.of(),
                List.of(),
                Optional.empty());
    }
}
