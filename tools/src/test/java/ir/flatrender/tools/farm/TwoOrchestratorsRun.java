package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.ChunkState;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.templates.TemplateClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two orchestrators, each in its own JVM, on one database and one blob store. Both take nodes
 * and clients, every chunk is handed out once, one of them assembles each job, and when one is
 * killed with SIGKILL its nodes fail over to the other (they list both addresses), which
 * finishes its jobs. Run with each blob store: {@link TwoOrchestratorsIT} (one data directory
 * both use) and {@link TwoOrchestratorsS3IT} (a bucket both use, each its own data directory:
 * nothing shared but the database and the bucket, as on two hosts; issue 23).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoOrchestratorsRun {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private OrchestratorProcess first;
    private OrchestratorProcess second;
    private TestingNodes nodes;
    private ManagedChannel firstChannel;
    private ManagedChannel secondChannel;
    private JobClient viaFirst;
    private JobClient viaSecond;
    private Jdbi jdbi;
    private FarmBlobs blobs;

    /** Where the two keep their blobs; called first, with the run's folder. */
    abstract FarmBlobs blobs(Path folder) throws Exception;

    @BeforeAll
    void start() throws Exception {
        String token = FarmToken.generate();
        blobs = blobs(directory);
        List<String> arguments = new ArrayList<>(List.of("--lease-timeout", "6s", "--heartbeat-interval", "1s"));
        arguments.addAll(blobs.arguments());
        first = new OrchestratorProcess(postgres.config(), blobs.dataDirectory(directory, "first"), token, arguments);
        second = new OrchestratorProcess(postgres.config(), blobs.dataDirectory(directory, "second"), token, arguments);
        blobs.keys(first);
        blobs.keys(second);
        first.start();
        second.start();
        firstChannel = ClientOptions.channel(first.target(), token, Optional.empty());
        secondChannel = ClientOptions.channel(second.target(), token, Optional.empty());
        viaFirst = new JobClient(firstChannel, Duration.ofSeconds(20));
        viaSecond = new JobClient(secondChannel, Duration.ofSeconds(20));
        new TemplateClient(firstChannel, Duration.ofSeconds(30))
                .push(
                        TemplatePackage.fromClassPath(
                                        TwoOrchestratorsRun.class.getClassLoader(),
                                        "templates/ae-card",
                                        List.of("template.json", "card.aep"))
                                .toZip(),
                        "");
        EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
        nodes = new TestingNodes();
        // Each node lists both; the first it names is the one it uses while that one is up.
        nodes.start(first.target() + "," + second.target(), token, "ae-1", directory, 1, afterEffects, c -> c);
        nodes.start(second.target() + "," + first.target(), token, "ae-2", directory, 1, afterEffects, c -> c);
        jdbi = postgres.database().jdbi();
    }

    @AfterAll
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        for (ManagedChannel channel : new ManagedChannel[] {firstChannel, secondChannel}) {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    private Map<String, String> orchestratorOfNodes() {
        return jdbi
                .withHandle(h -> h.createQuery("SELECT name, orchestrator_id::text AS o FROM render.nodes")
                        .mapToMap()
                        .list())
                .stream()
                .collect(Collectors.toMap(r -> (String) r.get("name"), r -> String.valueOf(r.get("o"))));
    }

    private static long assembledIn(OrchestratorProcess orchestrator, String jobId) throws Exception {
        return Files.readAllLines(orchestrator.log()).stream()
                .filter(line -> line.contains("job " + jobId + " succeeded"))
                .count();
    }

    @Test
    @Order(1)
    void bothTakeNodesAndClientsAndOneAssemblesEachJob() throws Exception {
        Map<String, String> connected = orchestratorOfNodes();
        assertThat(connected.get("ae-1")).isNotEqualTo("null").isNotEqualTo(connected.get("ae-2"));
        assertThat(connected.get("ae-2")).isNotEqualTo("null");

        String one =
                viaFirst.submit(FarmChecks.slowAeJob(20, 5, "first")).getJob().getId();
        String two =
                viaSecond.submit(FarmChecks.slowAeJob(20, 5, "second")).getJob().getId();
        for (String jobId : List.of(one, two)) {
            // Either orchestrator answers for any job.
            Job finished = FarmChecks.awaitEnd(viaSecond, jobId, Duration.ofSeconds(120));
            assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(viaFirst.get(jobId, false).getExport().getFrameCount()).isEqualTo(20);
            FarmChecks.assertEachChunkAcceptedOnce(jdbi, jobId, 4);
            blobs.assertJobStored(jdbi, jobId, first.dataDirectory(), second.dataDirectory());
            assertThat(assembledIn(first, jobId) + assembledIn(second, jobId))
                    .as("orchestrators that assembled job %s", jobId)
                    .isEqualTo(1);
        }
        // Both nodes rendered: chunks went out through both orchestrators.
        List<String> renderedBy =
                jdbi.withHandle(h -> h.createQuery("""
                        SELECT DISTINCT n.name FROM render.frame_jobs f JOIN render.nodes n ON n.id = f.node_id
                        ORDER BY n.name
                        """).mapTo(String.class).list());
        assertThat(renderedBy).containsExactly("ae-1", "ae-2");
    }

    @Test
    @Order(2)
    void whenOneIsKilledTheOtherFinishesItsJobs() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(30, 5, "failover");
        String jobId = viaFirst.submit(request).getJob().getId();
        FarmChecks.await(
                viaFirst,
                jobId,
                job -> job.getChunksDone() >= 1
                        && job.getChunksList().stream()
                                        .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING)
                                        .count()
                                == 2,
                Duration.ofSeconds(60));
        first.kill();

        Job finished = FarmChecks.awaitEnd(viaSecond, jobId, Duration.ofSeconds(120));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(30);
        FarmChecks.assertEachChunkAcceptedOnce(jdbi, jobId, 6);
        assertThat(FarmChecks.crashes(jdbi, jobId)).isEmpty();
        assertThat(FarmChecks.repairs(jdbi, jobId)).isEmpty();
        FarmChecks.assertSameFramesAsCleanRun(viaSecond, jobId, request, directory);
        blobs.assertJobStored(jdbi, jobId, first.dataDirectory(), second.dataDirectory());
        // ae-1 moved over to the survivor.
        Map<String, String> connected = orchestratorOfNodes();
        assertThat(connected.get("ae-1")).isEqualTo(connected.get("ae-2"));
    }
}
