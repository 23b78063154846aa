package ir.flatrender.tools.farm;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads the chunks of some jobs from the database again and again while a test runs, on a
 * thread of its own, and notes every step no chunk may take whatever happens to the
 * orchestrator: its attempt (the fencing token) going backwards, or a chunk seen done going
 * back to another state or to another attempt (a completion lost after it was committed).
 */
final class ChunkAttemptWatch implements AutoCloseable {
    private record Seen(long attempt, boolean done) {}

    private final Jdbi jdbi;
    private final UUID[] jobs;
    private final Map<UUID, Seen> seen = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private int reads;

    ChunkAttemptWatch(Jdbi jdbi, List<String> jobIds) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jobs = jobIds.stream().map(UUID::fromString).toArray(UUID[]::new);
        this.thread = new Thread(this::run, "chunk-attempt-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopped) {
                read();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            // One last look once the test is done with the farm.
            read();
        } catch (RuntimeException e) {
            synchronized (this) {
                violations.add("could not read the chunks: " + e);
            }
        }
    }

    private void read() {
        List<Map<String, Object>> rows = jdbi.withHandle(
                h -> h.createQuery("SELECT id, attempt, state FROM render.frame_jobs WHERE job_id = ANY(:jobs)")
                        .bind("jobs", jobs)
                        .mapToMap()
                        .list());
        synchronized (this) {
            reads++;
            for (Map<String, Object> row : rows) {
                UUID id = (UUID) row.get("id");
                Seen now = new Seen(((Number) row.get("attempt")).longValue(), "done".equals(row.get("state")));
                Seen before = seen.put(id, now);
                if (before == null) {
                    continue;
                }
                if (now.attempt() < before.attempt()) {
                    violations.add("chunk " + id + ": attempt " + before.attempt() + " went back to " + now.attempt());
                }
                if (before.done() && (!now.done() || now.attempt() != before.attempt())) {
                    violations.add("chunk " + id + ": done in attempt " + before.attempt() + ", then "
                            + (now.done() ? "done again in attempt " : "not done in attempt ") + now.attempt());
                }
            }
        }
    }

    /** Stops it after one last read, and answers what it saw go wrong (nothing, on a sound farm). */
    List<String> violations() {
        close();
        synchronized (this) {
            return List.copyOf(violations);
        }
    }

    /** How many times it read the chunks. */
    synchronized int reads() {
        return reads;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
