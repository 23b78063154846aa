package ir.flatrender.node.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU's use and memory for the heartbeat's resource sample, read with {@code nvidia-smi}
 * when the machine has it. It runs on its own thread every few seconds and the heartbeat takes
 * the last reading, so a slow or stuck driver never holds a heartbeat up.
 */
public final class GpuProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GpuProbe.class);
    private static final long PERIOD_SECONDS = 10;

    /** One reading: use 0..1 and memory in use, summed over the machine's GPUs. */
    public record Reading(double load, long memoryUsedBytes) {}

    private final Optional<Path> nvidiaSmi;
    private final ScheduledExecutorService timer;
    private volatile Optional<Reading> last = Optional.empty();

    private GpuProbe(Optional<Path> nvidiaSmi) {
        this.nvidiaSmi = nvidiaSmi;
        this.timer = nvidiaSmi.isEmpty()
                ? null
                : Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "gpu-probe");
                    thread.setDaemon(true);
                    return thread;
                });
        if (timer != null) {
            timer.scheduleWithFixedDelay(this::read, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Probes with the {@code nvidia-smi} found on the PATH; reads nothing when there is none. */
    public static GpuProbe start() {
        Optional<Path> found = Optional.empty();
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, "nvidia-smi");
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                found = Optional.of(candidate);
                break;
            }
        }
        return new GpuProbe(found);
    }

    /** The last reading, empty when the machine has no GPU this can read. */
    public Optional<Reading> last() {
        return last;
    }

    private void read() {
        try {
            Process process = new ProcessBuilder(
                            nvidiaSmi.get().toString(),
                            "--query-gpu=utilization.gpu,memory.used",
                            "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                log.debug("nvidia-smi did not answer within 5 s");
                return;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            last = process.exitValue() == 0 ? parse(output) : Optional.empty();
        } catch (IOException e) {
            log.debug("could not run nvidia-smi: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parses {@code nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits}:
     * one line per GPU, percent and MiB; the machine's load is the GPUs' mean, memory their sum.
     */
    public static Optional<Reading> parse(String output) {
        double load = 0;
        long memory = 0;
        int gpus = 0;
        for (String line : output.strip().split("\\R")) {
            String[] fields = line.split(",");
            if (fields.length != 2) {
                continue;
            }
            try {
                load += Double.parseDouble(fields[0].strip()) / 100.0;
                memory += Long.parseLong(fields[1].strip()) * 1024 * 1024;
                gpus++;
            } catch (NumberFormatException e) {
                // "[N/A]" on GPUs that do not report it.
            }
        }
        return gpus == 0 ? Optional.empty() : Optional.of(new Reading(load / gpus, memory));
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
