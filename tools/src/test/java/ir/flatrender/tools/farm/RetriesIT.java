package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.NodeEngine;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed chunks on the farm: every failure recorded with its node, a retry going to another
 * node, a node that failed a job twice kept off it, and a job no node may run any more failed
 * with that reason instead of waiting for ever.
 */
class RetriesIT {
    /**
     * A farm of its own: its crashes block nodes off jobs. A node without After Effects can never
     * take these chunks, so it does not count.
     */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.aeCard()
            .withNode("timeline-only", NodeEngine.TIMELINE, 1)
            .withNode("ae-1", NodeEngine.FAKE_AFTER_EFFECTS, 1)
            .withNode("ae-2", NodeEngine.FAKE_AFTER_EFFECTS, 1));

    private static JobClient jobs;

    @BeforeAll
    static void start() {
        jobs = farm.farm().jobs();
    }

    @Test
    void everyNodesResourcesAreSampledIntoTheHealthHistory() {
        TestingNodes.eventually(Duration.ofSeconds(15), () -> {
            List<String> sampled = farm.farm()
                    .database()
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

    private static SubmitJobRequest crashingJob(String title, int frames, int chunkFrames) {
        return SubmitJobRequest.newBuilder()
                .setTemplateId("ae-card")
                .setAspect("16:9")
                .setTier("360p")
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(frames - 1))
                .setChunkFrames(chunkFrames)
                .setMaxAttempts(10)
                .setBindings(Struct.newBuilder()
                        .putFields(
                                "title",
                                Value.newBuilder().setStringValue(title).build())
                        .putFields(
                                "mode",
                                Value.newBuilder().setStringValue("crash").build()))
                .build();
    }

    private static List<String> crashRows(String jobId) {
        return farm.farm()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT n.name || ' ' || c.attempt || ' ' || c.kind || ' ' || c.exit_code || ' '
                                       || c.job_fault
                                FROM render.node_crashes c JOIN render.nodes n ON n.id = c.node_id
                                WHERE c.job_id = :job ORDER BY c.created_at
                                """)
                        .bind("job", UUID.fromString(jobId))
                        .mapTo(String.class)
                        .list());
    }

    private static List<String> nodeStates() {
        return farm.farm()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT name || ' ' || state FROM render.nodes WHERE name LIKE 'ae-%' ORDER BY name
                                """).mapTo(String.class).list());
    }

    @Test
    @DisplayName("case 2: a chunk that crashes the same way on two nodes fails the job with the engine's message,"
            + " the retry going to the other node, and neither node is blocked or quarantined")
    void theSameCrashOnTwoNodesIsTheJobsFault() throws Exception {
        Job submitted = jobs.submit(crashingJob("x", 10, 10)).getJob();
        Job finished = jobs.follow(submitted.getId(), progress -> {});
        assertThat(finished.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(finished.getError())
                .contains("fails the same way on ae-1 and ae-2")
                .contains("the job's")
                .contains("crash: aerender exited with code 134");

        // Two attempts, one on each node (the retry went to the other), both the job's fault.
        List<String> crashes = crashRows(submitted.getId());
        assertThat(crashes).hasSize(2);
        assertThat(crashes.get(0)).endsWith(" 1 crash 134 true");
        assertThat(crashes.get(1)).endsWith(" 2 crash 134 true");
        assertThat(crashes.get(0).split(" ")[0]).isNotEqualTo(crashes.get(1).split(" ")[0]);
        assertThat(crashes).noneMatch(line -> line.startsWith("timeline-only"));
        List<String> blocked = farm.farm()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT n.name FROM render.job_node_blocks b JOIN render.nodes n ON n.id = b.node_id
                                WHERE b.job_id = :job AND b.blocked
                                """)
                        .bind("job", UUID.fromString(submitted.getId()))
                        .mapTo(String.class)
                        .list());
        assertThat(blocked).isEmpty();
        assertThat(nodeStates()).containsExactly("ae-1 online", "ae-2 online");
        assertThat(Optional.ofNullable(finished.getExport().getLocation())).hasValue("");
    }

    @Test
    @DisplayName("case 2: two broken jobs failing on both nodes fail as jobs; no node is quarantined and a good"
            + " job submitted after them renders")
    void brokenJobsDoNotQuarantineTheFarm() throws Exception {
        String first = jobs.submit(crashingJob("broken one", 20, 5)).getJob().getId();
        String second = jobs.submit(crashingJob("broken two", 20, 5)).getJob().getId();
        for (String jobId : List.of(first, second)) {
            Job ended = jobs.follow(jobId, progress -> {});
            assertThat(ended.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(ended.getError()).contains("fails the same way on ae-1 and ae-2");
        }
        assertThat(nodeStates()).containsExactly("ae-1 online", "ae-2 online");

        SubmitJobRequest good = crashingJob("good", 10, 5);
        good = good.toBuilder()
                .setBindings(good.getBindings().toBuilder()
                        .putFields(
                                "mode", Value.newBuilder().setStringValue("ok").build()))
                .build();
        Job rendered = jobs.follow(jobs.submit(good).getJob().getId(), progress -> {});
        assertThat(rendered.getState()).as(rendered.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }
}
