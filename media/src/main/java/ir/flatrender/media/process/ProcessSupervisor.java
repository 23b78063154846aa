package ir.flatrender.media.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every child process of this JVM (engines, ffmpeg, ffprobe) and watches their
 * deadlines and progress from one named thread. Closing it kills whatever still runs.
 */
public final class ProcessSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessSupervisor.class);
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);

    private final Duration killGrace;
    private final Set<SupervisedProcess> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;

    public ProcessSupervisor(Duration killGrace) {
        this.killGrace = requireNonNull(killGrace, "killGrace is null");
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "process-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(
                this::checkAll, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    public SupervisedProcess start(ProcessSpec spec) throws IOException {
        return start(spec, line -> {}, line -> {});
    }

    /**
     * Starts a process.
     *
     * @throws IOException when it cannot be launched (missing program, no permission)
     */
    public SupervisedProcess start(ProcessSpec spec, Consumer<String> stdoutLines, Consumer<String> stderrLines)
            throws IOException {
        requireNonNull(spec, "spec is null");
        ProcessBuilder builder = new ProcessBuilder(spec.command())
                .directory(spec.workingDirectory().toFile());
        builder.environment().putAll(spec.environment());
        Process process = builder.start();
        if (!spec.stdin()) {
            // Closing the pipe gives the child end-of-file on every OS (AE nodes run Windows).
            process.getOutputStream().close();
        }
        SupervisedProcess supervised = new SupervisedProcess(spec, process, killGrace, stdoutLines, stderrLines);
        running.add(supervised);
        process.onExit().whenComplete((ignored, error) -> running.remove(supervised));
        log.debug("started {} (pid {}): {}", spec.name(), process.pid(), spec.command());
        return supervised;
    }

    private void checkAll() {
        long now = System.nanoTime();
        for (SupervisedProcess process : running) {
            try {
                process.checkLimits(now);
            } catch (RuntimeException e) {
                log.warn("watchdog could not check {}", process.name(), e);
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        for (SupervisedProcess process : running) {
            process.kill("shutting down");
        }
    }
}
