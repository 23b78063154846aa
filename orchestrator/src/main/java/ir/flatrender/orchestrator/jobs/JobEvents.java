package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

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
