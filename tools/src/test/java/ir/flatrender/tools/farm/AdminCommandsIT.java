package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' commands against a real farm (embedded PostgreSQL, an orchestrator, two After
 * Effects nodes on the fake aerender, over sockets): what they print as tables and as JSON, and
 * their exit codes, errors included.
 */
class AdminCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A farm of its own: the commands drain and enable its nodes. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.aeCard("ae-1", "ae-2"));

    @TempDir
    static Path directory;

    @BeforeAll
    static void start() throws Exception {}

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    /** Runs {@code flatrender ARGS --orchestrator … --token …}, not at a terminal. */
    private static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--orchestrator",
                farm.farm().orchestrator().target(),
                "--token",
                farm.farm().orchestrator().token()));
        return runBare(all.toArray(String[]::new));
    }

    private static Run runBare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String submit(String title, String mode, int frames) {
        SubmitJobRequest request = FarmChecks.slowAeJob(frames, 5, title);
        request = request.toBuilder()
                .setMaxAttempts(1)
                .setBindings(request.getBindings().toBuilder()
                        .putFields(
                                "mode", Value.newBuilder().setStringValue(mode).build()))
                .build();
        return farm.farm().jobs().submit(request).getJob().getId();
    }

    @Test
    void nodesAreListedAndShownAsTablesAndAsJson() throws Exception {
        Run table = run("nodes", "list");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .startsWith("NAME")
                .contains("STATE", "RUNNING");
        assertThat(table.out()).containsPattern("(?m)^ae-1 +online +yes +timeline,aftereffects|(?m)^ae-1 +online");

        Run json = run("nodes", "list", "-o", "json");
        assertThat(json.exitCode()).isZero();
        List<String> names = new ArrayList<>();
        json.json().path("nodes").forEach(node -> {
            names.add(node.path("name").asText());
            assertThat(node.path("state").asText()).isEqualTo("NODE_STATE_ONLINE");
            assertThat(node.path("connected").asBoolean()).isTrue();
        });
        assertThat(names).containsExactly("ae-1", "ae-2");

        Run shown = run("nodes", "show", "ae-1");
        assertThat(shown.exitCode()).isZero();
        assertThat(shown.out()).contains("engines").contains("aftereffects").contains("slots");

        Run unknown = run("nodes", "show", "no-such-node");
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.err()).contains("does not exist");
    }

    @Test
    void drainingOffATerminalNeedsYesAndEnableBringsTheNodeBack() throws Exception {
        Run refused = run("nodes", "drain", "ae-2");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--yes");
        assertThat(farm.farm().admin().get("ae-2").getState().name()).isEqualTo("NODE_STATE_ONLINE");

        Run drained = run("nodes", "drain", "ae-2", "--yes", "-o", "json");
        assertThat(drained.exitCode()).as(drained.err()).isZero();
        assertThat(drained.json().path("state").asText()).isEqualTo("NODE_STATE_DRAINING");
        Run again = run("nodes", "drain", "ae-2", "--yes");
        assertThat(again.exitCode()).as("draining a draining node is refused").isEqualTo(6);

        Run enabled = run("nodes", "enable", "ae-2");
        assertThat(enabled.exitCode()).isZero();
        assertThat(enabled.out()).contains("online");
    }

    @Test
    void jobsAreListedSteeredWatchedAndShown() throws Exception {
        String jobId = submit("steered", "slow", 10);
        Run paused = run("jobs", "pause", jobId);
        assertThat(paused.exitCode()).as(paused.err()).isZero();
        assertThat(paused.out()).contains("paused");
        Run listed =
                run("jobs", "list", "--state", "paused", "--engine", "aftereffects", "--since", "1h", "-o", "json");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.json().path("jobs").findValuesAsText("id")).contains(jobId);
        assertThat(run("jobs", "list", "--state", "succeeded", "-o", "json")
                        .json()
                        .path("jobs")
                        .findValuesAsText("id"))
                .doesNotContain(jobId);
        assertThat(run("jobs", "resume", jobId).exitCode()).isZero();
        Run priority = run("jobs", "priority", jobId, "7", "-o", "json");
        assertThat(priority.json().path("priority").asInt()).isEqualTo(7);

        // Not at a terminal, watch prints plain lines (no bar redrawn with control codes).
        Run watched = run("jobs", "watch", jobId);
        assertThat(watched.exitCode()).as(watched.err()).isZero();
        assertThat(watched.out()).doesNotContain("\r").doesNotContain("\u001b");
        assertThat(watched.out().lines().toList()).last().asString().startsWith("output: ");

        Run shown = run("jobs", "show", jobId);
        assertThat(shown.exitCode()).isZero();
        assertThat(shown.out())
                .contains("job " + jobId + ": succeeded")
                .contains("SEQ")
                .contains("0-4")
                .contains("5-9");
        assertThat(shown.out()).containsPattern("(?m)^1 +5-9 +frames +done +1 +ae-[12] +[0-9.]+s");
        JsonNode json = run("jobs", "show", jobId, "-o", "json").json();
        assertThat(json.path("job").path("chunks")).hasSize(2);
        assertThat(json.path("job").path("state").asText()).isEqualTo("JOB_STATE_SUCCEEDED");
        assertThat(json.path("crashes").isArray()).isTrue();
    }

    @Test
    void watchAtATerminalDrawsABarThatAdvancesAndEndsWithTheOutput() {
        String jobId = submit("watched", "slow", 10);
        List<String> all = new ArrayList<>(List.of("jobs", "watch", jobId));
        all.addAll(List.of(
                "--orchestrator",
                farm.farm().orchestrator().target(),
                "--token",
                farm.farm().orchestrator().token()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), true, all.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        // One line redrawn in place: frames, fps and ETA, the percentage going up to 100.
        List<Integer> percents = java.util.regex.Pattern.compile(
                        "\\r\\[[#-]+\\] +(\\d+)%  \\d+/10 frames  [0-9.]+ fps  ETA")
                .matcher(out.toString())
                .results()
                .map(m -> Integer.parseInt(m.group(1)))
                .toList();
        assertThat(percents).hasSizeGreaterThan(1).isSorted().contains(100);
        assertThat(percents.get(0)).isLessThan(100);
        assertThat(out.toString().lines().toList()).last().asString().startsWith("output: ");
    }

    @Test
    void logsAreJsonObjectsWithTheSwitch() throws Exception {
        Process process = new ProcessBuilder(ChildJvm.flatrender(
                        "256m",
                        List.of(
                                "--log-format",
                                "json",
                                "db",
                                "status",
                                "--data-dir",
                                directory.resolve("json-logs").toString())))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String stderr = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(stderr).isZero();
        List<String> lines = stderr.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            JsonNode event = JSON.readTree(line);
            assertThat(event.path("level").asText()).isNotEmpty();
            assertThat(event.path("formattedMessage").asText()).isNotEmpty();
            assertThat(event.has("mdc")).isTrue();
        });
    }

    @Test
    void crashesRepairsAndARequeueAreShown() throws Exception {
        String crashed = submit("crashing", "crash", 5);
        FarmChecks.awaitEnd(farm.farm().jobs(), crashed, Duration.ofSeconds(60));
        Run crashes = run("crashes", "list", "--job", crashed);
        assertThat(crashes.exitCode()).isZero();
        assertThat(crashes.out()).contains("crash").contains("134").contains("aerender exited");
        JsonNode json = run("crashes", "list", "--job", crashed, "-o", "json").json();
        assertThat(json.path("crashes")).hasSize(1);
        assertThat(json.path("crashes").get(0).path("kind").asText()).isEqualTo("crash");
        assertThat(json.path("crashes").get(0).path("exit_code").asInt()).isEqualTo(134);

        String done = submit("requeued", "ok", 10);
        assertThat(FarmChecks.awaitEnd(farm.farm().jobs(), done, Duration.ofSeconds(60))
                        .getState())
                .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Run requeued = run("chunks", "requeue", done, "--frames", "0-4", "--yes");
        assertThat(requeued.exitCode()).as(requeued.err()).isZero();
        assertThat(requeued.out()).contains("0-4");
        assertThat(FarmChecks.awaitEnd(farm.farm().jobs(), done, Duration.ofSeconds(60))
                        .getState())
                .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Run repairs = run("repairs", "list", "--job", done);
        assertThat(repairs.exitCode()).isZero();
        assertThat(repairs.out()).containsPattern("0-4 +- +operator +repaired");

        Run badRange = run("chunks", "requeue", done, "--frames", "9-2", "--yes");
        assertThat(badRange.exitCode()).isEqualTo(2);
    }

    @Test
    void errorsHaveTheirExitCodes() {
        Run unknown = run("jobs", "show", UUID.randomUUID().toString());
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.err()).contains("does not exist");
        Run unreachable = runBare(
                "jobs",
                "list",
                "--orchestrator",
                "127.0.0.1:1",
                "--token",
                farm.farm().orchestrator().token());
        assertThat(unreachable.exitCode()).isEqualTo(4);
        assertThat(unreachable.err()).contains("cannot reach the orchestrator");
        Run badToken = runBare(
                "nodes", "list", "--orchestrator", farm.farm().orchestrator().target(), "--token", "x".repeat(40));
        assertThat(badToken.exitCode()).isEqualTo(5);
        Run usage = run("jobs", "priority", "only-one-argument");
        assertThat(usage.exitCode()).isEqualTo(2);
    }

    @Test
    void snapshotsPurgeDatabaseStatusAndCompletion() throws Exception {
        Run purged = run("snapshots", "purge", "--unused-for", "30d", "--yes", "-o", "json");
        assertThat(purged.exitCode()).as(purged.err()).isZero();
        assertThat(purged.json().has("deleted")).isTrue();

        Run status = runBare(
                "db",
                "status",
                "--db-url",
                farm.farm().databaseConfig().jdbcUrl(),
                "--db-user",
                farm.farm().databaseConfig().user());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out())
                .containsPattern("(?m)^render +005 +add repairs quarantine and assembly lease +success");
        JsonNode migrations = JSON.readTree(runBare(
                                "db",
                                "status",
                                "--db-url",
                                farm.farm().databaseConfig().jdbcUrl(),
                                "--db-user",
                                farm.farm().databaseConfig().user(),
                                "-o",
                                "json")
                        .out())
                .path("migrations");
        assertThat(migrations.findValuesAsText("state")).isNotEmpty().allMatch(state -> state.equals("success"));

        Run completion = runBare("generate-completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete").contains("flatrender");
    }
}
