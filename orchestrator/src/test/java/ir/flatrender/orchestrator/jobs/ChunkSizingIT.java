package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22: a job that does not fix its chunk size gets one chosen from the farm's slots when it
 * comes, and its view says why (sample-promo: 300 frames of the timeline engine).
 */
class ChunkSizingIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                config -> config.jobs(JobsConfig.defaults()).installSamples(true));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static Job submit(int chunkFrames) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("sample-promo")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(chunkFrames)
                        .setIdempotencyKey("sizing-" + UUID.randomUUID())
                        .build())
                .getJob();
    }

    @Test
    void chunksAreSizedFromTheSlotsThatCanTakeTheJob() throws Exception {
        Job alone = submit(0);
        assertThat(alone.getTotalFrames()).isEqualTo(300);
        assertThat(alone.getChunkFrames()).isEqualTo(30);
        assertThat(alone.getChunksTotal()).isEqualTo(10);
        assertThat(alone.getChunkPlan()).startsWith("30-frame chunks: no online node has timeline now");

        // One node of one slot: once it renders the first job's chunk, no slot is free, and the
        // next job is planned for the one slot there is: 2 chunks of 150, not 10 of 30.
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "sizer", 1);
        try {
            node.nextAssign(Duration.ofSeconds(20));
            Job sized = submit(0);
            assertThat(sized.getChunkFrames()).isEqualTo(150);
            assertThat(sized.getChunksTotal()).isEqualTo(2);
            assertThat(sized.getChunkPlan())
                    .isEqualTo("150-frame chunks: 300 frames over the farm's 1 slot (0 free now) for timeline,"
                            + " 2 chunks a slot");

            Job asked = submit(100);
            assertThat(asked.getChunksTotal()).isEqualTo(3);
            assertThat(asked.getChunkPlan()).isEqualTo("100-frame chunks, as the request asked");
        } finally {
            node.close();
        }
    }
}
