package ir.flatrender.orchestrator.snapshots;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobEndWait;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.templates.BindingsValidator;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Still frames for previews. A request is answered from the cache when the same picture was
 * made before; otherwise a one-frame job is submitted above every client priority, so the next
 * free slot takes it before queued video chunks, and the caller waits for it. Identical
 * requests in flight at once share one render.
 */
public final class SnapshotService {
    private final TemplateCatalog templates;
    private final JobSubmitter submitter;
    private final JobEndWait ends;
    private final SnapshotStore store;
    private final ObjectMapper json;
    private final Map<String, CompletableFuture<UUID>> inFlight = new ConcurrentHashMap<>();

    public SnapshotService(
            TemplateCatalog templates,
            JobSubmitter submitter,
            JobEndWait ends,
            SnapshotStore store,
            ObjectMapper json) {
        this.templates = requireNonNull(templates, "templates is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.ends = requireNonNull(ends, "ends is null");
        this.store = requireNonNull(store, "store is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** What a client asks for. */
    public record Request(
            UUID tenantId,
            String templateId,
            int templateVersion,
            ObjectNode bindings,
            String aspect,
            int frame,
            String tier,
            String format) {}

    /** The still and whether it came from the cache. */
    public record Result(byte[] image, String format, int width, int height, String cacheKey, boolean cached) {}

    /**
     * @param timeout how long to wait for the render
     * @param abandoned whether the caller has gone (its call cancelled): the wait ends then
     */
    public Result render(Request request, Duration timeout, BooleanSupplier abandoned) {
        return render(request, timeout, abandoned, false);
    }

    /**
     * Renders the still even when the cache holds it, which then holds the new one: for a picture
     * an operator distrusts (a node that drew it wrong), not for a customer's preview.
     */
    public Result renderAgain(Request request, Duration timeout, BooleanSupplier abandoned) {
        return render(request, timeout, abandoned, true);
    }

    private Result render(Request request, Duration timeout, BooleanSupplier abandoned, boolean again) {
        InstalledTemplate template = templates.find(request.templateId(), request.templateVersion());
        String format = request.format().isEmpty() ? "png" : request.format();
        // The key is computed from the resolved bindings; a request with bad input fails in
        // the submitter below with every field named, so here only what the key needs is checked.
        ObjectNode bindings;
        try {
            bindings = BindingsValidator.resolve(
                    template.id(),
                    template.manifest().engine(),
                    template.manifest().bindings(),
                    template.files(),
                    request.bindings());
        } catch (FarmException e) {
            bindings = null;
        }
        String cacheKey = bindings == null
                ? null
                : SnapshotKey.of(
                        json,
                        template.id(),
                        template.version(),
                        template.manifest().engine(),
                        request.aspect(),
                        request.frame(),
                        request.tier(),
                        format,
                        bindings);
        if (cacheKey != null && again) {
            store.forget(cacheKey);
        } else if (cacheKey != null) {
            Optional<SnapshotStore.Cached> cached = store.lookup(cacheKey);
            if (cached.isPresent()) {
                SnapshotRow row = cached.get().row();
                return new Result(cached.get().image(), row.format(), row.width(), row.height(), cacheKey, true);
            }
        }
        CompletableFuture<UUID> mine = new CompletableFuture<>();
        CompletableFuture<UUID> shared = cacheKey == null ? null : inFlight.putIfAbsent(cacheKey, mine);
        CompletableFuture<UUID> render = shared != null ? shared : mine;
        UUID jobId;
        if (shared != null) {
            jobId = await(shared, timeout);
        } else {
            try {
                jobId = submitter
                        .submit(new SubmitCommand(
                                request.tenantId(),
                                template.id(),
                                template.version(),
                                request.bindings(),
                                request.aspect(),
                                request.tier(),
                                Optional.of(frame(request.frame())),
                                0,
                                "",
                                0,
                                0,
                                0,
                                List.of(),
                                List.of(),
                                Optional.of(format)))
                        .job()
                        .id();
                mine.complete(jobId);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                if (cacheKey != null) {
                    inFlight.remove(cacheKey, mine);
                }
                throw e;
            }
        }
        // The render stays shared until it ends: a caller that gave up and asks again, or
        // another asking for the same picture, waits for it rather than starting another.
        JobRow job = ends.await(jobId, timeout, abandoned)
                .orElseThrow(() -> new FarmException(
                        ErrorCode.DEADLINE_EXCEEDED, "the snapshot is still rendering (job " + jobId + "); ask again"));
        if (cacheKey != null) {
            inFlight.remove(cacheKey, render);
        }
        if (job.jobState() != JobState.SUCCEEDED) {
            throw new FarmException(
                    ErrorCode.FAILED_PRECONDITION, "the snapshot could not be rendered: " + job.error());
        }
        String key = store.key(job);
        SnapshotStore.Cached made = store.made(key)
                .orElseThrow(() ->
                        new FarmException(ErrorCode.UNAVAILABLE, "the snapshot was evicted before it could be sent"));
        return new Result(
                made.image(),
                made.row().format(),
                made.row().width(),
                made.row().height(),
                key,
                false);
    }

    private static FrameRange frame(int frame) {
        if (frame < 0) {
            throw FarmException.invalid("frame", "must not be negative");
        }
        return new FrameRange(frame, frame);
    }

    private static UUID await(CompletableFuture<UUID> shared, Duration timeout) {
        try {
            return shared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // The wait is the caller's deadline: it ran out, as the caller's own clock also says.
            throw new FarmException(ErrorCode.DEADLINE_EXCEEDED, "the snapshot is still rendering; ask again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FarmException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }
}
