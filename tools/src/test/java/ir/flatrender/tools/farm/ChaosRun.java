package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.templates.TemplateClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, the chaos test: during one many-chunk job, node JVMs, the orchestrator's JVM and
 * PostgreSQL itself are killed with SIGKILL and started again. The job ends frame-identical to
 * a clean run, with one accepted segment per chunk, and every attempt that ended without a
 * result is on record in {@code render.node_crashes} or {@code render.chunk_returns}. Bounded:
 * about two minutes. Run with each blob store: {@link ChaosIT} (the data directory) and {@link
 * ChaosS3IT} (an S3-compatible server, issue 23).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChaosRun {
    private static final int FRAMES = 60;
    private static final int CHUNK = 5;

    /** Kept when a test fails: the orchestrators', nodes' and PostgreSQL's logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path directory;

    private EmbeddedPostgresServer postgres;
    private Database database;
    private OrchestratorProcess orchestrator;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private ManagedChannel channel;
    private JobClient jobs;
    private AdminClient admin;

    private FarmBlobs blobs;

    /** Where this run's orchestrator keeps its blobs; called first, with the run's folder. */
    abstract FarmBlobs blobs(Path folder) throws Exception;

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(directory.resolve("postgres")));
        postgres.ensureDatabase("farm", null);
        database = Database.connect(
                DatabaseConfig.of(postgres.jdbcUrl("farm")).withMaxPoolSize(4), "chaos-test", new ObjectMapper());
        String token = FarmToken.generate();
        blobs = blobs(directory);
        List<String> arguments = new ArrayList<>(List.of("--lease-timeout", "8s", "--heartbeat-interval", "1s"));
        arguments.addAll(blobs.arguments());
        orchestrator = new OrchestratorProcess(
                DatabaseConfig.of(postgres.jdbcUrl("farm")), directory.resolve("orchestrator"), token, arguments);
        blobs.keys(orchestrator);
        orchestrator.start();
        channel = orchestrator.connect();
        jobs = new JobClient(channel, Duration.ofSeconds(20));
        admin = new AdminClient(channel, Duration.ofSeconds(20));
        new TemplateClient(channel, Duration.ofSeconds(30))
                .push(
                        TemplatePackage.fromClassPath(
                                        ChaosRun.class.getClassLoader(),
                                        "templates/ae-card",
                                        List.of("template.json", "card.aep"))
                                .toZip(),
                        "");
        List<String> engine =
                List.of("--aerender", FakeAerender.install(directory).toString(), "--slots", "1");
        for (String name : List.of("chaos-1", "chaos-2", "chaos-3")) {
            NodeProcess node = new NodeProcess(orchestrator.target(), token, name, directory, engine);
            node.start();
            nodes.add(node);
        }
        TestingNodes.eventually(
                Duration.ofSeconds(90),
                () -> assertThat(admin.list(List.of()).stream()
                                .filter(n -> n.getState() == NodeState.NODE_STATE_ONLINE && n.getConnected()))
                        .hasSize(3));
    }

    @AfterAll
    void stop() throws Exception {
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (database != null) {
            database.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    /** SIGKILL to PostgreSQL: every process of the server, the postmaster last; then it starts again. */
    private void killPostgres() throws Exception {
        Path data = directory.resolve("postgres");
        long pid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> server = new ArrayList<>(postmaster.descendants().toList());
        server.add(postmaster);
        server.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : server) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
        int port = postgres.port();
        // Its stop fails (nothing is running); it lets go of the data directory all the same.
        postgres.close();
        postgres = EmbeddedPostgresServer.start(new EmbeddedPostgresConfig(Optional.of(data), port));
    }

    private Job await(String jobId, int chunksDone) {
        return FarmChecks.await(jobs, jobId, job -> job.getChunksDone() >= chunksDone, Duration.ofSeconds(120));
    }

    /**
     * Waits until the node is rendering one of the job's chunks, some but not all of its frames
     * done, and has listed that attempt in a heartbeat the orchestrator renewed ({@code
     * frame_jobs.listed_at}), so that killing it loses one: a chunk whose frames are all rendered
     * is being encoded and uploaded, and may be accepted before the kill lands; an attempt no
     * heartbeat listed may never have reached its node, and an orchestrator that restarts before
     * it recorded the node's loss takes such an attempt back without a failure ({@code
     * RestartGrace}), which is what it should do, not a loss to count.
     */
    private void awaitRendering(String jobId, String node) {
        FarmChecks.await(
                jobs,
                jobId,
                job -> job.getChunksList().stream()
                        .anyMatch(c -> c.getState() == ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_RUNNING
                                && c.getNodeName().equals(node)
                                && c.getFramesDone() > 0
                                && c.getFramesDone()
                                        < c.getFrames().getEnd() - c.getFrames().getStart() + 1
                                && listed(c.getId(), c.getAttempt())),
                Duration.ofSeconds(120));
    }

    /** Whether a heartbeat of the chunk's node listed this attempt and the orchestrator renewed it. */
    private boolean listed(String chunkId, long attempt) {
        return database.jdbi()
                        .withHandle(h -> h.createQuery(
                                        "SELECT count(*) FROM render.frame_jobs WHERE id = :id AND attempt = :attempt"
                                                + " AND listed_at IS NOT NULL")
                                .bind("id", UUID.fromString(chunkId))
                                .bind("attempt", attempt)
                                .mapTo(Long.class)
                                .one())
                == 1;
    }

    @Test
    @DisplayName("issue 17 chaos: node JVMs, the orchestrator and PostgreSQL killed with SIGKILL mid-job; the job"
            + " ends frame-identical to a clean run and every lost attempt is on record")
    void aJobSurvivesChaos() throws Exception {
        // Three faults may land on one chunk: more attempts than the default three.
        SubmitJobRequest request = FarmChecks.slowAeJob(FRAMES, CHUNK, "chaos").toBuilder()
                .setMaxAttempts(6)
                .build();
        String jobId = jobs.submit(request).getJob().getId();

        await(jobId, 1);
        awaitRendering(jobId, "chaos-1");
        // A node, then the orchestrator before it (most likely) recorded the node's loss, the
        // other nodes rendering or uploading: the restarted orchestrator finds the attempt out
        // on a node that comes back without it, one the node had listed, so lost (node_lost),
        // not given back as an assignment that may never have reached it. The node's JVM boots
        // while the orchestrator starts, so that its hello comes within the restart grace (a
        // lease, 8 s here, after the last return), before the reaper could fail it lease_expired.
        nodes.get(0).kill();
        orchestrator.kill();
        nodes.get(0).start();
        orchestrator.start();

        await(jobId, 4);
        killPostgres();

        await(jobId, 7);
        awaitRendering(jobId, "chaos-2");
        nodes.get(1).kill();
        nodes.get(1).start();

        Job finished = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(180));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(FRAMES);
        FarmChecks.assertEachChunkAcceptedOnce(database.jdbi(), jobId, FRAMES / CHUNK);

        // Every attempt before a chunk's last (the one accepted) ended without a result: each
        // is on record once, as a failure (the failures counted) or as a return (an assignment
        // that may have died with the orchestrator before it reached its node); the kills lost at
        // least the two killed nodes' attempts.
        List<Map<String, Object>> chunks = database.jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT f.id, f.attempt, f.failures,
                                       (SELECT count(*) FROM render.node_crashes c WHERE c.chunk_id = f.id) AS failed,
                                       (SELECT count(*) FROM render.chunk_returns r WHERE r.chunk_id = f.id) AS returned,
                                       (SELECT count(*) FROM render.node_crashes c
                                        WHERE c.chunk_id = f.id AND c.attempt < f.attempt)
                                       + (SELECT count(*) FROM render.chunk_returns r
                                          WHERE r.chunk_id = f.id AND r.attempt < f.attempt) AS before_last
                                FROM render.frame_jobs f WHERE f.job_id = :job
                                """)
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .list());
        long lost = 0;
        for (Map<String, Object> chunk : chunks) {
            long attempt = ((Number) chunk.get("attempt")).longValue();
            long failed = ((Number) chunk.get("failed")).longValue();
            assertThat(failed + ((Number) chunk.get("returned")).longValue())
                    .as("attempts of chunk %s on record", chunk.get("id"))
                    .isEqualTo(attempt - 1)
                    .isEqualTo(((Number) chunk.get("before_last")).longValue());
            assertThat(failed)
                    .as("failures of chunk %s", chunk.get("id"))
                    .isEqualTo(((Number) chunk.get("failures")).longValue());
            lost += failed;
        }
        assertThat(lost).as("attempts lost to the kills").isGreaterThanOrEqualTo(2);
        List<String> crashes = FarmChecks.crashes(database.jdbi(), jobId);
        assertThat(crashes).contains("chaos-1 node_lost", "chaos-2 node_lost");
        assertThat(crashes).allSatisfy(line -> assertThat(line).matches(".* (node_lost|lease_expired)"));

        FarmChecks.assertSameFramesAsCleanRun(jobs, jobId, request, directory);
        blobs.assertJobStored(database.jdbi(), jobId, directory.resolve("orchestrator"));
    }
}
