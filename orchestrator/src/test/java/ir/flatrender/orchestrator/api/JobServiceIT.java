package ir.flatrender.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobServiceIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;
    private static JobServiceGrpc.JobServiceBlockingStub jobs;

    @BeforeAll
    static void start() {
        // No node connects here, so submitted jobs stay queued.
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
        jobs = JobServiceGrpc.newBlockingStub(orchestrator.channel());
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static JobServiceGrpc.JobServiceBlockingStub jobs() {
        return jobs.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static SubmitJobRequest.Builder request() {
        return SubmitJobRequest.newBuilder()
                .setTemplateId("test-card")
                .setAspect("16:9")
                .setTier("720p")
                .setBindings(bindings(
                        "title", Value.newBuilder().setStringValue("Hello").build()));
    }

    private static Struct bindings(String name, Value value) {
        return Struct.newBuilder().putFields(name, value).build();
    }

    private static int rows(String table) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM render." + table)
                        .mapTo(Integer.class)
                        .one());
    }

    @Test
    void aJobAndAllItsChunksAreWrittenTogether() {
        SubmitJobResponse response =
                jobs().submitJob(request().setChunkFrames(25).build());
        Job job = response.getJob();
        assertThat(response.getCreated()).isTrue();
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
        assertThat(job.getOutputSize().getWidth()).isEqualTo(1280);
        assertThat(job.getOutputSize().getHeight()).isEqualTo(720);
        assertThat(job.getTotalFrames()).isEqualTo(60);
        assertThat(job.getChunksTotal()).isEqualTo(3);
        assertThat(job.getBindings().getFieldsMap().get("accent").getStringValue())
                .isEqualTo("#ff6b35");

        Job detailed = jobs().getJob(GetJobRequest.newBuilder()
                .setJobId(job.getId())
                .setIncludeChunks(true)
                .build());
        assertThat(detailed.getChunksList())
                .extracting(chunk ->
                        chunk.getFrames().getStart() + "-" + chunk.getFrames().getEnd())
                .containsExactly("0-19", "20-39", "40-59");
    }

    @Test
    void theVerticalAspectSwapsTheSides() {
        Job job = jobs().submitJob(request().setAspect("9:16").build()).getJob();
        assertThat(job.getOutputSize().getWidth()).isEqualTo(720);
        assertThat(job.getOutputSize().getHeight()).isEqualTo(1280);
    }

    @Test
    void badRequestsAreRefusedByNameAndWriteNothing() {
        int jobsBefore = rows("render_jobs");
        int chunksBefore = rows("frame_jobs");

        assertRefused(
                request().setTemplateId("no-such-template"), Status.Code.NOT_FOUND, "template 'no-such-template'");
        assertRefused(request().clearBindings(), Status.Code.INVALID_ARGUMENT, "bindings.title: is required");
        assertRefused(
                request()
                        .setBindings(bindings(
                                "title", Value.newBuilder().setNumberValue(3).build())),
                Status.Code.INVALID_ARGUMENT,
                "bindings.title: must be text");
        assertRefused(
                request()
                        .setBindings(bindings(
                                "title",
                                Value.newBuilder()
                                        .setStringValue("x".repeat(21))
                                        .build())),
                Status.Code.INVALID_ARGUMENT,
                "bindings.title: is too long: 21 characters, at most 20");
        assertRefused(
                request()
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue("ok").build())
                                .putFields(
                                        "accent",
                                        Value.newBuilder()
                                                .setStringValue("blue")
                                                .build())),
                Status.Code.INVALID_ARGUMENT,
                "bindings.accent: must be a colour");
        assertRefused(
                request().setFrames(FrameRange.newBuilder().setStart(10).setEnd(60)),
                Status.Code.INVALID_ARGUMENT,
                "frames: range 10-60 is outside the template, whose frames are 0-59");
        assertRefused(
                request().setFrames(FrameRange.newBuilder().setStart(30).setEnd(10)),
                Status.Code.INVALID_ARGUMENT,
                "frames:");
        assertRefused(request().setTier("4k"), Status.Code.INVALID_ARGUMENT, "tier: unknown tier '4k'");
        assertRefused(request().setAspect("4:3"), Status.Code.INVALID_ARGUMENT, "aspect: unknown aspect '4:3'");
        assertRefused(request().setAspect("1:1"), Status.Code.INVALID_ARGUMENT, "does not offer 1:1");
        assertRefused(request().setTenantId("acme"), Status.Code.INVALID_ARGUMENT, "tenant_id");

        assertThat(rows("render_jobs")).isEqualTo(jobsBefore);
        assertThat(rows("frame_jobs")).isEqualTo(chunksBefore);
    }

    private static void assertRefused(SubmitJobRequest.Builder request, Status.Code code, String message) {
        assertThatThrownBy(() -> jobs().submitJob(request.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(message);
                });
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheSameJob() {
        String key = "order-" + UUID.randomUUID();
        SubmitJobResponse first =
                jobs().submitJob(request().setIdempotencyKey(key).build());
        int jobsAfterFirst = rows("render_jobs");
        SubmitJobResponse second =
                jobs().submitJob(request().setIdempotencyKey(key).build());
        assertThat(second.getCreated()).isFalse();
        assertThat(second.getJob().getId()).isEqualTo(first.getJob().getId());
        assertThat(rows("render_jobs")).isEqualTo(jobsAfterFirst);

        assertRefused(
                request().setIdempotencyKey(key).setTier("480p"), Status.Code.ALREADY_EXISTS, "different request");
    }

    @Test
    void callsWithoutTheFarmTokenAreRefused() {
        for (String token : new String[] {null, "not-the-farm-token-at-all"}) {
            JobServiceGrpc.JobServiceBlockingStub stranger =
                    JobServiceGrpc.newBlockingStub(orchestrator.channel(token)).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stranger.submitJob(request().build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
    }

    @Test
    void jobsOfAnotherTenantAreNotFound() {
        Job job = jobs().submitJob(request().build()).getJob();
        assertThatThrownBy(() -> jobs().getJob(GetJobRequest.newBuilder()
                        .setJobId(job.getId())
                        .setTenantId(UUID.randomUUID().toString())
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aCancelledJobEndsAndItsWatchersAreTold() {
        Job job = jobs().submitJob(request().build()).getJob();
        java.util.Iterator<ir.flatrender.proto.farm.v1.JobProgress> watch = JobServiceGrpc.newBlockingStub(
                        orchestrator.channel())
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchJob(ir.flatrender.proto.farm.v1.WatchJobRequest.newBuilder()
                        .setJobId(job.getId())
                        .build());
        assertThat(watch.next().getJob().getState()).isEqualTo(JobState.JOB_STATE_QUEUED);

        Job cancelled = jobs().cancelJob(ir.flatrender.proto.farm.v1.CancelJobRequest.newBuilder()
                .setJobId(job.getId())
                .setReason("changed my mind")
                .build());
        assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(cancelled.getError()).isEqualTo("changed my mind");
        assertThat(jobs().getJob(GetJobRequest.newBuilder()
                                .setJobId(job.getId())
                                .setIncludeChunks(true)
                                .build())
                        .getChunksList())
                .allMatch(chunk -> chunk.getState() == ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_CANCELLED);

        // The watch ends with the final state.
        ir.flatrender.proto.farm.v1.JobProgress last = null;
        while (watch.hasNext()) {
            last = watch.next();
        }
        assertThat(last).isNotNull();
        assertThat(last.getJob().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);

        assertRefusedCancel(job.getId(), Status.Code.FAILED_PRECONDITION, "already cancelled");
        assertRefusedCancel(UUID.randomUUID().toString(), Status.Code.NOT_FOUND, "does not exist");
        assertRefusedCancel("not-a-uuid", Status.Code.INVALID_ARGUMENT, "job_id");
    }

    private static void assertRefusedCancel(String jobId, Status.Code code, String message) {
        assertThatThrownBy(() -> jobs().cancelJob(ir.flatrender.proto.farm.v1.CancelJobRequest.newBuilder()
                        .setJobId(jobId)
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(message);
                });
    }

    @Test
    void listingPagesThroughEveryJobNewestFirst() {
        String tenant = UUID.randomUUID().toString();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(
                    0,
                    jobs().submitJob(request().setTenantId(tenant).build())
                            .getJob()
                            .getId());
        }
        List<String> listed = new ArrayList<>();
        String token = "";
        do {
            ListJobsResponse page = jobs().listJobs(ListJobsRequest.newBuilder()
                    .setTenantId(tenant)
                    .setPageSize(2)
                    .setPageToken(token)
                    .build());
            assertThat(page.getJobsCount()).isLessThanOrEqualTo(2);
            page.getJobsList().forEach(job -> listed.add(job.getId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(listed).containsExactlyElementsOf(submitted);
    }
}
