package ir.flatrender.media.process;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How a supervised process ended.
 *
 * @param exitCode the exit code; by convention 128 + signal when a signal ended it
 * @param termination why it ended
 * @param reason a sentence for people, e.g. "no progress for 30s"
 * @param logTail the last lines it printed, oldest first
 * @param elapsed wall-clock time from start to exit
 */
public record ProcessOutcome(
        int exitCode, Termination termination, String reason, List<String> logTail, Duration elapsed) {
    public ProcessOutcome {
        requireNonNull(termination, "termination is null");
        requireNonNull(reason, "reason is null");
        logTail = List.copyOf(requireNonNull(logTail, "logTail is null"));
        requireNonNull(elapsed, "elapsed is null");
    }

    public boolean succeeded() {
        return termination == Termination.EXITED && exitCode == 0;
    }

    public String logTailText() {
        return String.join("\n", logTail);
    }

    /** One line for error messages: the reason and the last line printed. */
    public String describe() {
        String last = logTail.isEmpty() ? "" : ": " + logTail.get(logTail.size() - 1);
        return reason + last;
    }
}
