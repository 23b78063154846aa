package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.tools.farm.testing.CommandRun;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code submit} and {@code watch} against a real orchestrator, and their error exits. */
class JobCommandsIT {
    /** A farm of its own, with no node: the jobs submitted here stay queued. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.empty().withSamples());

    private static CommandRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    @Test
    void submitPrintsTheQueuedJob() {
        CommandRun run = farm.farm()
                .flatrender(
                        "submit",
                        "--template",
                        "sample-promo",
                        "--tier",
                        "480p",
                        "--aspect",
                        "1:1",
                        "--set",
                        "title_en=Grand opening");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .matches("(?s)job [0-9a-f-]{36} queued: sample-promo 1:1 480p, 480x480, 300 frames in 10 chunks\\n");
    }

    @Test
    void submitRefusesBadBindingsByName() {
        CommandRun run = farm.farm().flatrender("submit", "--template", "sample-promo", "--set", "accent=not-a-colour");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(run.err()).contains("bindings.accent");
    }

    @Test
    @DisplayName("issue 16: submit -o json prints SubmitJobResponse; jobs show takes a unique prefix of the id")
    void submitPrintsJsonAndJobsShowTakesAUniquePrefix() throws Exception {
        CommandRun submitted = farm.farm()
                .flatrender(
                        "submit",
                        "--template",
                        "sample-promo",
                        "--tier",
                        "480p",
                        "--set",
                        "title_en=Prefix",
                        "-o",
                        "json");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        JsonNode answer = new ObjectMapper().readTree(submitted.out());
        String jobId = answer.path("job").path("id").asText();
        assertThat(jobId).hasSize(36);
        assertThat(answer.path("job").has("chunks_total")).isTrue();

        CommandRun shown = farm.farm()
                .flatrender("jobs", "show", "-o", "json", jobId.substring(0, 8).toUpperCase(java.util.Locale.ROOT));
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(new ObjectMapper()
                        .readTree(shown.out())
                        .path("job")
                        .path("id")
                        .asText())
                .isEqualTo(jobId);

        String absent = jobId.charAt(0) == 'f' ? "0000" : "ffff0000";
        CommandRun none = farm.farm().flatrender("jobs", "show", absent);
        assertThat(none.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(none.err()).contains("no job id starts with " + absent);

        CommandRun garbage = farm.farm().flatrender("jobs", "show", "j0b!");
        assertThat(garbage.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(garbage.err()).contains("JOB").contains("neither a job id nor a prefix");
    }

    @Test
    void watchingAnUnknownJobIsNotFound() {
        CommandRun run = farm.farm().flatrender("watch", UUID.randomUUID().toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("does not exist");
    }

    @Test
    void aWrongTokenIsRefused() {
        CommandRun run = run(
                "watch",
                "--orchestrator",
                farm.farm().target(),
                "--token",
                "wrong-token-wrong-token",
                UUID.randomUUID().toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAUTHENTICATED);
    }

    @Test
    void anUnreachableOrchestratorHasItsOwnExitCode() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        CommandRun run = run(
                "watch",
                "--orchestrator",
                "127.0.0.1:" + freePort,
                "--token",
                "some-token-some-token",
                UUID.randomUUID().toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("cannot reach the orchestrator");
    }

    @Test
    void missingTokenIsAUsageError() {
        CommandRun run = run(
                "watch",
                "--orchestrator",
                farm.farm().target(),
                UUID.randomUUID().toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("no farm token");
    }
}
