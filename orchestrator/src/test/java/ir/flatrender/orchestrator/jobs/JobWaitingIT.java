package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 17, case 2: a job no node can take says so, instead of a silent 0 %. */
class JobWaitingIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

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

    private static Job job(String id) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getJob(GetJobRequest.newBuilder().setJobId(id).build());
    }

    private static Job await(String id, Predicate<Job> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Job job = job(id);
        while (!condition.test(job)) {
            assertThat(System.nanoTime()).as("job %s: %s", id, job).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            job = job(id);
        }
        return job;
    }

    @Test
    @DisplayName("case 2: jobs show says why no node takes a job: none has its engine, or every one that has it is"
            + " disabled; the reason goes once a node can take it")
    void aJobNoNodeCanTakeSaysSo() throws Exception {
        String id = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("waiting")
                                                .build()))
                        .build())
                .getJob()
                .getId();
        assertThat(job(id).getWaitingReason()).isEqualTo("no node can take this job: none has the timeline engine");

        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "lonely", 1);
        try {
            node.nextAssign(WAIT);
            assertThat(job(id).getWaitingReason()).as("a node has it").isEmpty();

            FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .disableNode(NodeRequest.newBuilder()
                            .setNode("lonely")
                            .setReason("test")
                            .build());
            assertThat(await(id, j -> !j.getWaitingReason().isEmpty()).getWaitingReason())
                    .isEqualTo("no node can take this job: lonely is disabled");

            FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .enableNode(NodeRequest.newBuilder().setNode("lonely").build());
            assertThat(await(id, j -> j.getWaitingReason().isEmpty()).getWaitingReason())
                    .isEmpty();
        } finally {
            node.close();
        }
    }

    @Test
    void theReasonNamesEachNodeAndWhyItCannotTakeTheJob() {
        assertThat(WaitingReason.explain(
                        "remotion",
                        List.of(
                                new WaitingReason.Taker("a", "quarantined", true, false, "3 failures across 2 jobs"),
                                new WaitingReason.Taker("b", "online", true, true, null),
                                new WaitingReason.Taker("c", "online", false, false, null))))
                .hasValue("no node can take this job: a is quarantined (3 failures across 2 jobs); b failed it and"
                        + " is kept off it; c is offline");
        assertThat(WaitingReason.explain(
                        "remotion", List.of(new WaitingReason.Taker("a", "online", true, false, null))))
                .isEmpty();
        // A 3D template's job when no node draws WebGL: the takers are the nodes that do.
        assertThat(WaitingReason.explain("remotion", List.of("webgl"), List.of()))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("no node can take this job: none has the remotion engine with webgl"));
    }
}
