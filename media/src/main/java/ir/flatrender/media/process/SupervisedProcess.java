package ir.flatrender.media.process;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running child process under supervision: its output is drained on named threads into a
 * bounded tail, and it is killed with its whole process tree when it passes its deadline,
 * stops making progress, or is cancelled. Obtain one from {@link ProcessSupervisor}.
 */
public final class SupervisedProcess {
    private static final Logger log = LoggerFactory.getLogger(SupervisedProcess.class);
    private static final int MAX_LINE_CHARS = 2_000;

    private final ProcessSpec spec;
    private final Process process;
    private final LogTail tail;
    private final long startNanos;
    private final Duration killGrace;
    private final Thread stdoutDrain;
    private final Thread stderrDrain;
    private volatile long lastProgressNanos;
    private volatile Termination termination = Termination.EXITED;
    private volatile String killReason;

    SupervisedProcess(
            ProcessSpec spec,
            Process process,
            Duration killGrace,
            Consumer<String> stdoutLines,
            Consumer<String> stderrLines) {
        this.spec = spec;
        this.process = process;
        this.killGrace = killGrace;
        this.tail = new LogTail(spec.tailLines());
        this.startNanos = System.nanoTime();
        this.lastProgressNanos = startNanos;
        this.stdoutDrain = spec.stdout() == ProcessSpec.StdoutMode.LINES
                ? drain(process.getInputStream(), "stdout", stdoutLines)
                : null;
        this.stderrDrain = drain(process.getErrorStream(), "stderr", stderrLines);
    }

    private Thread drain(InputStream stream, String which, Consumer<String> listener) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            String kept =
                                    line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
                            tail.add(kept);
                            if (spec.outputIsProgress()) {
                                reportProgress();
                            }
                            listener.accept(kept);
                        }
                    } catch (IOException e) {
                        // The stream closes under us when the process is killed; nothing is lost
                        // that the tail has not already kept.
                        log.debug("{} {} closed: {}", spec.name(), which, e.getMessage());
                    } catch (RuntimeException e) {
                        log.warn("{} {} listener failed", spec.name(), which, e);
                    }
                },
                spec.name() + "-" + process.pid() + "-" + which);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return spec.name();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process's standard input; only when the spec asked for it. */
    public OutputStream stdin() {
        if (!spec.stdin()) {
            throw new IllegalStateException(spec.name() + " was started with stdin closed");
        }
        return process.getOutputStream();
    }

    /** The process's raw standard output; only when the spec asked for it. */
    public InputStream stdout() {
        if (spec.stdout() != ProcessSpec.StdoutMode.RAW) {
            throw new IllegalStateException(spec.name() + " was started with its output read as lines");
        }
        return process.getInputStream();
    }

    /** Tells the watchdog the process is still doing useful work. */
    public void reportProgress() {
        lastProgressNanos = System.nanoTime();
    }

    /** The last lines printed so far. */
    public java.util.List<String> logTail() {
        return tail.snapshot();
    }

    /** Waits for the process to end, then for its output to be drained. */
    public ProcessOutcome await() throws InterruptedException {
        int exitCode = process.waitFor();
        if (stdoutDrain != null) {
            stdoutDrain.join(TimeUnit.SECONDS.toMillis(5));
        }
        stderrDrain.join(TimeUnit.SECONDS.toMillis(5));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        Termination how = termination;
        String reason = switch (how) {
            case EXITED -> exitCode == 0 ? "exited normally" : "exited with code " + exitCode;
            case DEADLINE_EXCEEDED, NO_PROGRESS, KILLED -> killReason;
        };
        return new ProcessOutcome(exitCode, how, reason, tail.snapshot(), elapsed);
    }

    /** Kills the process and every descendant; the first reason given is the one reported. */
    public void kill(String reason) {
        kill(Termination.KILLED, reason);
    }

    synchronized void kill(Termination why, String reason) {
        requireNonNull(reason, "reason is null");
        if (!process.isAlive() || killReason != null) {
            return;
        }
        termination = why;
        killReason = reason;
        log.info("killing {} (pid {}): {}", spec.name(), process.pid(), reason);
        // Children first, so that none is re-parented and left running when the parent dies;
        // the snapshot lets the forcible pass reach them even after the parent is gone.
        java.util.List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** Called by the supervisor's watchdog. */
    void checkLimits(long nowNanos) {
        if (!process.isAlive()) {
            return;
        }
        if (nowNanos - startNanos > spec.deadline().toNanos()) {
            kill(
                    Termination.DEADLINE_EXCEEDED,
                    "ran past its deadline of " + spec.deadline().toSeconds() + "s");
        } else if (!spec.noProgressTimeout().isZero()
                && nowNanos - lastProgressNanos > spec.noProgressTimeout().toNanos()) {
            kill(
                    Termination.NO_PROGRESS,
                    "showed no progress for " + spec.noProgressTimeout().toSeconds() + "s");
        }
    }
}
