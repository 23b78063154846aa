package ir.flatrender.orchestrator;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the composition root started and must stop: parts, thread pools and shutdown steps,
 * closed in the reverse order of their adding, each despite the others' errors.
 */
final class Resources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Resources.class);
    private static final Duration POOL_GRACE = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    /** A pool, shut down (waiting a moment for its tasks) when the resources close. */
    <T extends ExecutorService> T add(T executor) {
        closeables.push(() -> {
            executor.shutdownNow();
            executor.awaitTermination(POOL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        });
        return executor;
    }

    /** A step of the shutdown, run when the resources close. */
    void onClose(AutoCloseable step) {
        closeables.push(step);
    }

    /** A fixed pool of daemon threads named {@code name-N}. */
    ExecutorService pool(String name, int threads) {
        return add(Executors.newFixedThreadPool(threads, named(name)));
    }

    /** A fixed pool whose queue holds at most {@code queue} tasks: a full one refuses at once. */
    ExecutorService bounded(String name, int threads, int queue) {
        return add(new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), named(name)));
    }

    ScheduledExecutorService timer(String name) {
        return add(Executors.newSingleThreadScheduledExecutor(named(name)));
    }

    /** Daemon threads named {@code name-N}, N counting from 0. */
    static ThreadFactory named(String name) {
        return new ThreadFactoryBuilder()
                .setNameFormat(name + "-%d")
                .setDaemon(true)
                .build();
    }

    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable closeable = closeables.pop();
            try {
                closeable.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("error while shutting down", e);
            }
        }
    }
}
