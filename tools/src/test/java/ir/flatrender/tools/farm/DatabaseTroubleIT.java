package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's database dropping every connection ({@code pg_terminate_backend}) and being
 * restarted in the middle of jobs: work pauses and resumes, and each job ends as it would
 * have, every chunk accepted once and nothing failed. The test runs its own PostgreSQL so that
 * it can stop and start it.
 */
class DatabaseTroubleIT {
    private static final int FRAMES = 30;
    private static final int CHUNK = 5;

    @TempDir
    static Path directory;

    private static EmbeddedPostgresServer server;
    private static Database database;
    private static TestingOrchestrator orchestrator;
    private static TestingNodes nodes;
    private static JobClient jobs;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(directory.resolve("postgres")));
        server.ensureDatabase("farm", null);
        database = Database.connect(
                DatabaseConfig.of(server.jdbcUrl("farm")).withMaxPoolSize(12), "trouble", new ObjectMapper());
        orchestrator = TestingOrchestrator.start(
                database,
                config -> config.scheduler(new ir.flatrender.orchestrator.scheduling.SchedulerConfig(
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(10))));
        orchestrator.installTestTemplate("ae-card", List.of("template.json", "card.aep"));
        EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
        nodes = new TestingNodes();
        nodes.start(orchestrator, "ae-1", directory, 1, afterEffects);
        nodes.start(orchestrator, "ae-2", directory, 1, afterEffects);
        jobs = new JobClient(orchestrator.channel(), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (database != null) {
            database.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Ends every session on the farm's database but this one; answers how many it ended. */
    private static int terminateBackends() throws Exception {
        try (Connection admin = DriverManager.getConnection(server.jdbcUrl("postgres"));
                Statement statement = admin.createStatement();
                ResultSet ended = statement.executeQuery("""
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE datname = 'farm' AND pid <> pg_backend_pid()
                        """)) {
            ended.next();
            return ended.getInt(1);
        }
    }

    private static void assertFinishedCleanly(String jobId, Job finished, SubmitJobRequest request) throws Exception {
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(FRAMES);
        FarmChecks.assertEachChunkAcceptedOnce(database.jdbi(), jobId, FRAMES / CHUNK);
        assertThat(FarmChecks.crashes(database.jdbi(), jobId)).isEmpty();
        assertThat(FarmChecks.repairs(database.jdbi(), jobId)).isEmpty();
        FarmChecks.assertSameFramesAsCleanRun(jobs, jobId, request, directory);
    }

    @Test
    void everyConnectionDroppedThreeTimesMidJob() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(FRAMES, CHUNK, "terminated");
        String jobId = jobs.submit(request).getJob().getId();
        int ended = 0;
        for (int done : new int[] {1, 3, 5}) {
            FarmChecks.await(jobs, jobId, job -> job.getChunksDone() >= done, Duration.ofSeconds(60));
            ended += terminateBackends();
        }
        assertThat(ended).as("sessions ended").isPositive();
        assertFinishedCleanly(jobId, FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(90)), request);
    }

    @Test
    void theDatabaseRestartedMidJob() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(FRAMES, CHUNK, "restarted");
        String jobId = jobs.submit(request).getJob().getId();
        FarmChecks.await(jobs, jobId, job -> job.getChunksDone() >= 2, Duration.ofSeconds(60));
        int port = server.port();
        server.close();
        // The outage itself: two seconds without a database while both nodes render and upload.
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        server = EmbeddedPostgresServer.start(
                new EmbeddedPostgresConfig(Optional.of(directory.resolve("postgres")), port));
        assertFinishedCleanly(jobId, FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(90)), request);
    }
}
