package ir.flatrender.media.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSupervisorTest {
    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));

    @TempDir
    Path work;

    @AfterEach
    void close() {
        supervisor.close();
    }

    private ProcessSpec sh(String script) {
        return ProcessSpec.of("sh", List.of("sh", "-c", script), work);
    }

    @Test
    void reportsExitCodeAndKeepsOnlyTheLastLines() throws Exception {
        ProcessSpec spec = new ProcessSpec(
                "sh",
                // One stream only: two streams are drained on two threads, in no fixed order.
                List.of("sh", "-c", "for i in 1 2 3 4 5 6; do echo line $i >&2; done; echo oops >&2; exit 3"),
                work,
                java.util.Map.of(),
                false,
                ProcessSpec.StdoutMode.LINES,
                Duration.ofSeconds(30),
                Duration.ZERO,
                true,
                3);
        ProcessOutcome outcome = supervisor.start(spec).await();
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.termination()).isEqualTo(Termination.EXITED);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.logTail()).containsExactly("line 5", "line 6", "oops");
    }

    @Test
    void keepsTheLinesOfBothOutputStreams() throws Exception {
        ProcessOutcome outcome =
                supervisor.start(sh("echo to-stdout; echo to-stderr >&2")).await();
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.logTail()).containsExactlyInAnyOrder("to-stdout", "to-stderr");
    }

    @Test
    void killsAProcessThatRunsPastItsDeadline() throws Exception {
        ProcessSpec spec = sh("sleep 60").withLimits(Duration.ofMillis(500), Duration.ZERO, true);
        ProcessOutcome outcome = supervisor.start(spec).await();
        assertThat(outcome.termination()).isEqualTo(Termination.DEADLINE_EXCEEDED);
        assertThat(outcome.elapsed()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void killsAProcessThatStopsMakingProgressButNotOneThatPrints() throws Exception {
        ProcessSpec silent =
                sh("echo started; sleep 60").withLimits(Duration.ofMinutes(1), Duration.ofMillis(600), true);
        ProcessOutcome hung = supervisor.start(silent).await();
        assertThat(hung.termination()).isEqualTo(Termination.NO_PROGRESS);
        // The shell may say "Terminated" of its sleep before it goes too (CI saw it once, busy).
        assertThat(hung.logTail()).startsWith("started").hasSizeLessThanOrEqualTo(2);

        // Ticks every 0.2 s against a 2 s watchdog: ten times the margin, for busy machines.
        ProcessSpec chatty = sh("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo tick; sleep 0.2; done")
                .withLimits(Duration.ofMinutes(1), Duration.ofSeconds(2), true);
        assertThat(supervisor.start(chatty).await().succeeded()).isTrue();
    }

    @Test
    void killingTakesTheWholeProcessTree() throws Exception {
        Path pids = work.resolve("pids");
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        SupervisedProcess process = supervisor.start(
                sh("sleep 300 & echo $! > " + pids + "; sleep 300 & echo $! >> " + pids + "; echo ready; wait"),
                line -> {
                    if (line.equals("ready")) {
                        ready.countDown();
                    }
                },
                line -> {});
        assertThat(ready.await(20, java.util.concurrent.TimeUnit.SECONDS))
                .as("children started")
                .isTrue();
        List<Long> children =
                Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(children)
                .allMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        process.kill("cancelled by test");
        ProcessOutcome outcome = process.await();

        assertThat(outcome.termination()).isEqualTo(Termination.KILLED);
        assertThat(outcome.reason()).isEqualTo("cancelled by test");
        for (long child : children) {
            ProcessHandle.of(child).ifPresent(handle -> handle.onExit().join());
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                    .as("child %d still alive", child)
                    .isFalse();
        }
    }

    @Test
    void pipesStandardInputWhenAsked() throws Exception {
        SupervisedProcess process = supervisor.start(
                ProcessSpec.of("cat", List.of("sh", "-c", "wc -c"), work).withStdin());
        try (OutputStream stdin = process.stdin()) {
            stdin.write("12345".getBytes(StandardCharsets.UTF_8));
        }
        ProcessOutcome outcome = process.await();
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.logTail()).containsExactly("5");
    }

    @Test
    void closedStandardInputReadsAsEndOfFile() throws Exception {
        ProcessOutcome outcome = supervisor.start(sh("wc -c")).await();
        assertThat(outcome.logTail()).containsExactly("0");
    }

    @Test
    void aMissingProgramFailsToLaunch() {
        assertThatThrownBy(() -> supervisor.start(ProcessSpec.of(
                        "nothing", List.of(work.resolve("no-such-program").toString()), work)))
                .isInstanceOf(IOException.class);
    }
}
