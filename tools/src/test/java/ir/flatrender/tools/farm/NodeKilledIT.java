package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkState;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A render node in a JVM of its own killed with SIGKILL in the middle of a chunk: the
 * orchestrator sees its stream drop, the chunk goes back to pending without counting as a
 * failure, the other node renders it as the next attempt, and the job ends as it should. The
 * node started again is taken back online.
 */
class NodeKilledIT {
    /** A farm of its own, its nodes JVMs of their own: one is killed. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.aeCard());

    @TempDir
    static Path directory;

    private static NodeProcess first;
    private static NodeProcess second;

    @BeforeAll
    static void start() throws Exception {
        List<String> engine =
                List.of("--aerender", FakeAerender.install(directory).toString(), "--slots", "1");
        first = new NodeProcess(
                farm.farm().orchestrator().target(),
                farm.farm().orchestrator().enrollNode("ae-1"),
                "ae-1",
                directory,
                engine);
        second = new NodeProcess(
                farm.farm().orchestrator().target(),
                farm.farm().orchestrator().enrollNode("ae-2"),
                "ae-2",
                directory,
                engine);
        first.start();
        second.start();
        awaitOnline(2);
    }

    @AfterAll
    static void stop() throws Exception {
        for (NodeProcess node : new NodeProcess[] {first, second}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static void awaitOnline(int nodes) {
        TestingNodes.eventually(
                Duration.ofSeconds(60),
                () -> assertThat(farm.farm().admin().list(List.of()).stream()
                                .filter(n -> n.getState() == NodeState.NODE_STATE_ONLINE && n.getConnected()))
                        .hasSize(nodes));
    }

    @Test
    void aNodeKilledMidChunkLosesNothing() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(30, 5, "killed");
        String jobId = farm.farm().jobs().submit(request).getJob().getId();
        Job running = FarmChecks.await(
                farm.farm().jobs(),
                jobId,
                job -> job.getChunksList().stream()
                                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING)
                                .map(Chunk::getNodeName)
                                .distinct()
                                .count()
                        == 2,
                Duration.ofSeconds(60));
        Chunk lost = running.getChunksList().stream()
                .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING
                        && c.getNodeName().equals("ae-1"))
                .findFirst()
                .orElseThrow();

        first.kill();

        Job finished = FarmChecks.awaitEnd(farm.farm().jobs(), jobId, Duration.ofSeconds(90));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(30);
        FarmChecks.assertEachChunkAcceptedOnce(farm.farm().jdbi(), jobId, 6);
        // Issue 17, case 1: the attempt lost with its node is a failed attempt on record.
        assertThat(FarmChecks.crashes(farm.farm().jdbi(), jobId)).containsExactly("ae-1 node_lost");
        Chunk redone = farm.farm().jobs().get(jobId, true).getChunksList().stream()
                .filter(c -> c.getId().equals(lost.getId()))
                .findFirst()
                .orElseThrow();
        assertThat(redone.getNodeName()).isEqualTo("ae-2");
        assertThat(redone.getAttempt()).isEqualTo(lost.getAttempt() + 1);
        assertThat(FarmChecks.repairs(farm.farm().jdbi(), jobId)).isEmpty();
        assertThat(farm.farm().admin().get("ae-1").getState()).isEqualTo(NodeState.NODE_STATE_OFFLINE);
        FarmChecks.assertSameFramesAsCleanRun(farm.farm().jobs(), jobId, request, directory);

        first.start();
        awaitOnline(2);
    }

    /**
     * A node stopped (SIGTERM) in the middle of a chunk says it is leaving before it stops its
     * engine, so the attempt it reports cancelled goes back uncounted: no crash row, and the job
     * ends as it should.
     */
    @Test
    void aNodeStoppedMidChunkGivesItsChunkBack() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(30, 5, "stopped");
        String jobId = farm.farm().jobs().submit(request).getJob().getId();
        FarmChecks.await(
                farm.farm().jobs(),
                jobId,
                job -> job.getChunksList().stream()
                        .anyMatch(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING
                                && c.getNodeName().equals("ae-2")),
                Duration.ofSeconds(60));

        second.stop();

        Job finished = FarmChecks.awaitEnd(farm.farm().jobs(), jobId, Duration.ofSeconds(90));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(30);
        FarmChecks.assertEachChunkAcceptedOnce(farm.farm().jdbi(), jobId, 6);
        assertThat(FarmChecks.crashes(farm.farm().jdbi(), jobId))
                .as("a node that left is charged with nothing")
                .isEmpty();
        long failed = farm.farm()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM render.frame_jobs WHERE job_id = :job AND failures > 0")
                        .bind("job", java.util.UUID.fromString(jobId))
                        .mapTo(Long.class)
                        .one());
        assertThat(failed).as("chunks with a failure counted").isZero();
        assertThat(farm.farm().admin().get("ae-2").getState()).isEqualTo(NodeState.NODE_STATE_OFFLINE);

        second.start();
        awaitOnline(2);
    }
}
