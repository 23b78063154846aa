package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.events.DomainEvents;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells watchers that a job changed (progress, state). Listeners must not block: they are
 * called on the thread that made the change.
 */
public final class JobEvents {
    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final Map<UUID, Set<Runnable>> listeners = new ConcurrentHashMap<>();

    /** Registers a listener; close the returned handle to stop listening. */
    public AutoCloseable subscribe(UUID jobId, Runnable listener) {
        requireNonNull(jobId, "jobId is null");
        requireNonNull(listener, "listener is null");
        listeners.computeIfAbsent(jobId, id -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.computeIfPresent(jobId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Tells watchers what the domain announces of their jobs: an assembly run ended (the cached
     * row is dropped first), a chunk started, a node's progress report (recorded first).
     */
    public void subscribeTo(DomainEvents events, JobCache cache, RunningProgress progress) {
        events.subscribe(FarmEvent.AssemblyEnded.class, ended -> {
            cache.evict(ended.jobId());
            publish(ended.jobId());
        });
        events.subscribe(FarmEvent.JobChanged.class, changed -> publish(changed.jobId()));
        events.subscribe(FarmEvent.ChunkProgressed.class, report -> {
            progress.report(report.jobId(), report.chunkId(), report.attempt(), report.framesDone());
            publish(report.jobId());
        });
    }

    public void publish(UUID jobId) {
        Set<Runnable> set = listeners.get(jobId);
        if (set == null) {
            return;
        }
        for (Runnable listener : set) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("job {}: a progress listener failed", jobId, e);
            }
        }
    }
}
