package ir.flatrender.tools.web;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How many engine processes the dev farm runs, sampled every 200 ms while the browser tests
 * run (issue 21): the console's cancel must end the job's engine processes, and only the
 * process table says so. An engine process is a descendant of the dev farm's JVM whose command
 * line names the Remotion runner or a Chromium (the runner's browser).
 */
final class EngineWatch implements AutoCloseable {
    /** One sample: when, and how many engine processes ran. */
    record Sample(Instant at, int engines) {}

    private final ProcessHandle farm;
    private final String runner;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;

    EngineWatch(ProcessHandle farm, Path remotionRunner) {
        this.farm = requireNonNull(farm, "farm is null");
        this.runner = remotionRunner.toAbsolutePath().normalize().toString();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-watch");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::sample, 0, 200, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        int engines = (int) farm.descendants()
                .filter(p -> {
                    String command = p.info().commandLine().orElse("");
                    return command.contains(runner) || command.contains("chrom");
                })
                .count();
        samples.add(new Sample(Instant.now(), engines));
    }

    /** The samples taken in {@code [from, from + window]}. */
    List<Sample> between(Instant from, Duration window) {
        Instant to = from.plus(window);
        return samples.stream()
                .filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to))
                .toList();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
