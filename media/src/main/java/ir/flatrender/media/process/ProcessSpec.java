package ir.flatrender.media.process;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to run and how to supervise it.
 *
 * @param name a short name for threads and logs, e.g. {@code ffmpeg-encode}
 * @param command the program and its arguments; never run through a shell
 * @param workingDirectory the process's own working directory
 * @param environment variables added to the inherited environment
 * @param stdin whether the caller writes to the process's standard input; otherwise it is closed
 * @param stdout whether standard output is read as log lines or handed raw to the caller
 * @param deadline wall-clock limit; the process tree is killed when it passes
 * @param noProgressTimeout the process tree is killed when no progress is seen for this long;
 *     {@link Duration#ZERO} turns the watchdog off
 * @param outputIsProgress whether every output line counts as progress
 * @param tailLines how many of the last output lines to keep for the failure report
 */
public record ProcessSpec(
        String name,
        List<String> command,
        Path workingDirectory,
        Map<String, String> environment,
        boolean stdin,
        StdoutMode stdout,
        Duration deadline,
        Duration noProgressTimeout,
        boolean outputIsProgress,
        int tailLines) {
    public enum StdoutMode {
        LINES,
        RAW
    }

    public ProcessSpec {
        requireNonNull(name, "name is null");
        command = List.copyOf(requireNonNull(command, "command is null"));
        requireNonNull(workingDirectory, "workingDirectory is null");
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        requireNonNull(stdout, "stdout is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(noProgressTimeout, "noProgressTimeout is null");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive but was " + deadline);
        }
        if (noProgressTimeout.isNegative()) {
            throw new IllegalArgumentException("noProgressTimeout must not be negative but was " + noProgressTimeout);
        }
        if (tailLines < 1 || tailLines > 10_000) {
            throw new IllegalArgumentException("tailLines must be between 1 and 10000 but was " + tailLines);
        }
    }

    /** Stdin closed, output read as lines, one hour deadline, no watchdog, 40 lines kept. */
    public static ProcessSpec of(String name, List<String> command, Path workingDirectory) {
        return new ProcessSpec(
                name,
                command,
                workingDirectory,
                Map.of(),
                false,
                StdoutMode.LINES,
                Duration.ofHours(1),
                Duration.ZERO,
                true,
                40);
    }

    public ProcessSpec withEnvironment(Map<String, String> newEnvironment) {
        return new ProcessSpec(
                name,
                command,
                workingDirectory,
                newEnvironment,
                stdin,
                stdout,
                deadline,
                noProgressTimeout,
                outputIsProgress,
                tailLines);
    }

    public ProcessSpec withStdin() {
        return new ProcessSpec(
                name,
                command,
                workingDirectory,
                environment,
                true,
                stdout,
                deadline,
                noProgressTimeout,
                outputIsProgress,
                tailLines);
    }

    public ProcessSpec withRawStdout() {
        return new ProcessSpec(
                name,
                command,
                workingDirectory,
                environment,
                stdin,
                StdoutMode.RAW,
                deadline,
                noProgressTimeout,
                outputIsProgress,
                tailLines);
    }

    public ProcessSpec withLimits(Duration newDeadline, Duration newNoProgressTimeout, boolean newOutputIsProgress) {
        return new ProcessSpec(
                name,
                command,
                workingDirectory,
                environment,
                stdin,
                stdout,
                newDeadline,
                newNoProgressTimeout,
                newOutputIsProgress,
                tailLines);
    }
}
