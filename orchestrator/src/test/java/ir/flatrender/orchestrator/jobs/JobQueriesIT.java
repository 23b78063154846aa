package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's frames done add the nodes' reports of unfinished chunks to the chunks done: a chunk
 * whose completion is committed but whose report is not yet forgotten counts once.
 */
class JobQueriesIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    @Test
    void aDoneChunkStillReportedCountsOnce() {
        UUID jobId = UUID.fromString(JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(10)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("progress")
                                                .build()))
                        .build())
                .getJob()
                .getId());
        List<ChunkRow> chunks =
                postgres.database().jdbi().withExtension(JobDao.class, dao -> dao.listChunks(jobId)).stream()
                        .filter(chunk -> !chunk.isAudioTask())
                        .toList();
        assertThat(chunks).hasSizeGreaterThan(2);
        ChunkRow first = chunks.get(0);
        ChunkRow second = chunks.get(1);
        int firstFrames = first.frameEnd() - first.frameStart() + 1;
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate("UPDATE render.frame_jobs SET state = 'done' WHERE id = :id")
                        .bind("id", first.id())
                        .execute());

        RunningProgress progress = new RunningProgress();
        progress.report(jobId, first.id(), 1, firstFrames);
        progress.report(jobId, second.id(), 1, 3);
        progress.report(UUID.randomUUID(), UUID.randomUUID(), 1, 7);
        JobQueries queries = new JobQueries(postgres.database().jdbi(), progress);

        assertThat(queries.view(jobId, Optional.empty(), false).framesDone()).isEqualTo(firstFrames + 3);
        assertThat(queries.list(
                                Optional.empty(),
                                List.of(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                10)
                        .jobs())
                .singleElement()
                .extracting(JobView::framesDone)
                .isEqualTo(firstFrames + 3);

        progress.clear(first.id());
        assertThat(queries.view(jobId, Optional.empty(), false).framesDone()).isEqualTo(firstFrames + 3);
    }
}
