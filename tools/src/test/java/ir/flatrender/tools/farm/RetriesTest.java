package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed chunks on the farm: every failure recorded with its node, a retry going to another
 * node, a node that failed a job twice kept off it, and a job no node may run any more failed
 * with that reason instead of waiting for ever.
 */
class RetriesTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static TestingOrchestrator orchestrator;
    private static TestingNodes nodes;
    private static JobClient jobs;

    @BeforeAll
    static void start() throws Exception {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("ae-card", List.of("template.json", "card.aep"));
        EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
        nodes = new TestingNodes();
        // A node without After Effects can never take these chunks, so it does not count.
        nodes.start(orchestrator, "timeline-only", directory, 1, EngineSettings.timelineOnly());
        nodes.start(orchestrator, "ae-1", directory, 1, afterEffects);
        nodes.start(orchestrator, "ae-2", directory, 1, afterEffects);
        jobs = new JobClient(orchestrator.channel(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        nodes.close();
        orchestrator.close();
    }

    @Test
    void everyNodesResourcesAreSampledIntoTheHealthHistory() {
        TestingNodes.eventually(Duration.ofSeconds(15), () -> {
            List<String> sampled = postgres.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("""
                                    SELECT DISTINCT n.name FROM render.node_health_logs l
                                    JOIN render.nodes n ON n.id = l.node_id
                                    WHERE l.memory_total_bytes > 0 AND l.disk_free_bytes > 0
                                    ORDER BY n.name
                                    """).mapTo(String.class).list());
            assertThat(sampled).containsExactly("ae-1", "ae-2", "timeline-only");
        });
    }

    @Test
    void aChunkThatCrashesEverywhereEndsTheJobWhenNoNodeIsLeft() throws Exception {
        Job submitted = jobs.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId("ae-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setFrames(FrameRange.newBuilder().setStart(0).setEnd(9))
                        .setChunkFrames(10)
                        // More attempts than the nodes may use: the blocklist ends it first.
                        .setMaxAttempts(10)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue("x").build())
                                .putFields(
                                        "mode",
                                        Value.newBuilder()
                                                .setStringValue("crash")
                                                .build()))
                        .build())
                .getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(finished.getError())
                .contains("no node left that can run it: ae-1, ae-2 failed it 2 times each")
                .contains("no other node has the aftereffects engine")
                .contains("crash: aerender exited with code 134");

        UUID job = UUID.fromString(submitted.getId());
        List<String> crashes = postgres.database()
                .jdbi()
                .withHandle(h ->
                        h.createQuery("""
                                SELECT n.name || ' ' || c.attempt || ' ' || c.kind || ' ' || c.exit_code
                                FROM render.node_crashes c JOIN render.nodes n ON n.id = c.node_id
                                WHERE c.job_id = :job ORDER BY c.attempt
                                """).bind("job", job).mapTo(String.class).list());
        // Four attempts, each on the other node than the one before.
        assertThat(crashes).hasSize(4);
        for (int i = 0; i < crashes.size(); i++) {
            assertThat(crashes.get(i)).endsWith(" " + (i + 1) + " crash 134");
        }
        for (int i = 1; i < crashes.size(); i++) {
            assertThat(crashes.get(i).split(" ")[0])
                    .isNotEqualTo(crashes.get(i - 1).split(" ")[0]);
        }
        List<String> blocked = postgres.database()
                .jdbi()
                .withHandle(h ->
                        h.createQuery("""
                                SELECT n.name || ' ' || b.failures FROM render.job_node_blocks b
                                JOIN render.nodes n ON n.id = b.node_id
                                WHERE b.job_id = :job AND b.blocked ORDER BY n.name
                                """).bind("job", job).mapTo(String.class).list());
        assertThat(blocked).containsExactly("ae-1 2", "ae-2 2");
        // The chunk never succeeded, and the timeline-only node never saw it.
        assertThat(jobs.get(submitted.getId(), true).getChunksList())
                .singleElement()
                .satisfies(chunk -> assertThat(chunk.getAttempt()).isEqualTo(4));
        assertThat(crashes).noneMatch(line -> line.startsWith("timeline-only"));
        assertThat(Optional.ofNullable(finished.getExport().getLocation())).hasValue("");
    }
}
