package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs one of the Remotion runner's scripts (bundle.mjs, frames.mjs) as a reference outside the farm. */
final class RunnerScripts {
    private RunnerScripts() {}

    /** Runs {@code node <runner>/<script> <arguments>} in {@code work}, asserting it succeeds within {@code deadline}. */
    static void run(Path runner, Path work, Duration deadline, String script, String... arguments) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("node", runner.resolve(script).toString()));
        command.addAll(List.of(arguments));
        try (ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(3))) {
            ProcessOutcome outcome = supervisor
                    .start(ProcessSpec.of("reference-" + script, command, work)
                            .withLimits(deadline, Duration.ofMinutes(2), true))
                    .await();
            assertThat(outcome.succeeded())
                    .as(outcome.describe() + "\n" + outcome.logTailText())
                    .isTrue();
        }
    }
}
