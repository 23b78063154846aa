package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.health.QuarantinePolicy;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose After Effects crashes on every job (a machine fault: the fake aerender crashes
 * while a file exists) is quarantined after failures across two jobs, fails its first
 * health-check render, and once the fault is fixed passes the next and takes work again.
 */
class QuarantineIT {
    /** A farm of its own: its node is quarantined. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(
            FarmShape.aeCard("ae-1"),
            config -> config.health(HealthConfig.defaults()
                    .withQuarantine(new QuarantinePolicy(
                            2, 2, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(5)))));

    private static JobClient jobs;
    private static AdminClient admin;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        jobs = farm.farm().jobs();
        admin = farm.farm().admin();
        jdbi = farm.farm().jdbi();
    }

    private static SubmitJobRequest job(String title, String mode) {
        SubmitJobRequest slow = FarmChecks.slowAeJob(10, 5, title);
        return slow.toBuilder()
                .setMaxAttempts(1)
                .setBindings(slow.getBindings().toBuilder()
                        .putFields(
                                "mode", Value.newBuilder().setStringValue(mode).build()))
                .build();
    }

    @Test
    void aNodeCrashingAcrossJobsIsQuarantinedAndComesBackAfterPassingAHealthCheck() throws Exception {
        // A job that renders (the machine is still sound): the known-good probe health checks
        // use (issue 17, case 2). The fake aerender's "faulty" mode crashes only once the fault is there.
        String good = jobs.submit(job("good", "faulty")).getJob().getId();
        assertThat(FarmChecks.awaitEnd(jobs, good, Duration.ofSeconds(60)).getState())
                .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        // The fake aerender crashes while this file is there (a broken GPU, say).
        Path fault = Files.createFile(farm.farm().directory().resolve("fault"));
        String crashing = "faulty";
        for (String title : List.of("first", "second")) {
            String jobId = jobs.submit(job(title, crashing)).getJob().getId();
            Job failed = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(60));
            assertThat(failed.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(FarmChecks.crashes(jdbi, jobId)).containsExactly("ae-1 crash");
        }
        Node quarantined = admin.get("ae-1");
        assertThat(quarantined.getState()).isEqualTo(NodeState.NODE_STATE_QUARANTINED);
        assertThat(quarantined.getQuarantineReason()).contains("2 failures across 2 jobs");

        // Work submitted meanwhile waits: the only After Effects node is quarantined.
        String waiting = jobs.submit(job("waiting", "ok")).getJob().getId();

        // Its first health-check render, the known-good job's frames, crashes: the machine is still broken.
        TestingNodes.eventually(
                Duration.ofSeconds(60),
                () -> assertThat(admin.get("ae-1").getHealthChecksFailed()).isEqualTo(1));
        assertThat(jobs.get(waiting, false).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);

        // The fault fixed, the next health check passes and the node takes work again.
        Files.delete(fault);
        TestingNodes.eventually(
                Duration.ofSeconds(60),
                () -> assertThat(admin.get("ae-1").getState()).isEqualTo(NodeState.NODE_STATE_ONLINE));
        Job finished = FarmChecks.awaitEnd(jobs, waiting, Duration.ofSeconds(60));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        List<String> checks =
                jdbi.withHandle(h -> h.createQuery("""
                        SELECT state FROM render.render_jobs WHERE kind = 'health_check' ORDER BY created_at
                        """).mapTo(String.class).list());
        assertThat(checks).containsExactly("failed", "succeeded");
        // Case 2: the probe is the job that rendered, never one the node failed.
        List<String> probed =
                jdbi.withHandle(h -> h.createQuery("""
                        SELECT DISTINCT bindings->>'title' FROM render.render_jobs WHERE kind = 'health_check'
                        """).mapTo(String.class).list());
        assertThat(probed).containsExactly("good");
        // Health checks are nobody's jobs: the tenants' lists do not show them.
        int foreign =
                jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM render.render_jobs
                        WHERE kind = 'health_check' AND tenant_id <> '00000000-0000-0000-0000-000000000000'
                        """).mapTo(Integer.class).one());
        assertThat(foreign).isZero();
        Node online = admin.get("ae-1");
        assertThat(online.getQuarantineReason()).isEmpty();
        assertThat(online.getHealthChecksFailed()).isZero();
    }
}
