package ir.flatrender.gateway.renders;

import ir.flatrender.gateway.http.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-memory farm for render orders: one template ({@code sample}, 3 seconds at 30 fps),
 * every job it takes queued until a test says otherwise, and a refusal a test can arm.
 */
final class TestingRenderFarm implements RenderFarm {
    static final TemplateLength SAMPLE = new TemplateLength("sample", 30, 90);

    final List<Job> submitted = new CopyOnWriteArrayList<>();
    private final Map<UUID, JobStatus> jobs = new ConcurrentHashMap<>();
    private final AtomicReference<Problem> refusal = new AtomicReference<>();

    /** The next submit is refused with {@code problem}. */
    void refuseNext(Problem problem) {
        refusal.set(problem);
    }

    /** The job now stands at {@code state} (the gateway's name), with {@code error}. */
    void move(UUID jobId, String state, String error) {
        jobs.put(jobId, new JobStatus(Optional.of(state), error));
    }

    @Override
    public Optional<TemplateLength> template(String templateId) {
        return templateId.equals(SAMPLE.id()) ? Optional.of(SAMPLE) : Optional.empty();
    }

    @Override
    public UUID submit(Job job) {
        Problem refused = refusal.getAndSet(null);
        if (refused != null) {
            throw refused;
        }
        submitted.add(job);
        UUID id = UUID.nameUUIDFromBytes(job.idempotencyKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        jobs.putIfAbsent(id, new JobStatus(Optional.of("queued"), ""));
        return id;
    }

    @Override
    public JobStatus status(UUID tenantId, UUID jobId) {
        JobStatus status = jobs.get(jobId);
        if (status == null) {
            throw Problem.of(404, "not-found", "Not found", "job " + jobId);
        }
        return status;
    }
}
