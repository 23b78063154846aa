package ir.flatrender.orchestrator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingS3;
import ir.flatrender.orchestrator.testing.TestingSegments;
import ir.flatrender.orchestrator.testing.TestingUpload;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.DownloadExportRequest;
import ir.flatrender.proto.farm.v1.ExportLink;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.PresignExportRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: an orchestrator whose blobs live in an S3-compatible server (S3Proxy, started by the
 * test): the template package, the accepted segment and the export are objects in the bucket,
 * none on the orchestrator's disk; the export streams through {@code DownloadExport} and
 * downloads straight from the store through a presigned URL, for its own tenant only.
 */
class ObjectStoreFarmIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static TestingS3 server;
    private static TestingOrchestrator orchestrator;
    private static S3BlobStore bucket;
    private static String packageSha256;

    @BeforeAll
    static void start() throws Exception {
        server = TestingS3.start(Files.createDirectories(directory.resolve("s3")));
        S3Settings settings = server.settings("farm-objects", "farm");
        orchestrator =
                TestingOrchestrator.start(postgres.database(), config -> config.objectStore(Optional.of(settings)));
        packageSha256 = orchestrator.installTestTemplate("test-card").packageSha256();
        bucket = S3BlobStore.open(settings);
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static JobServiceGrpc.JobServiceBlockingStub jobs() {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static Job awaitEnd(String jobId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Job job = jobs().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            String state = job.getState().name();
            if (state.endsWith("SUCCEEDED") || state.endsWith("FAILED") || state.endsWith("CANCELLED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job %s still %s", jobId, state).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    @DisplayName("a job's package, segment and export are objects in the bucket; the export streams through the"
            + " farm and downloads from a presigned URL, byte for byte")
    void aJobWithItsBlobsInTheBucket() throws Exception {
        String jobId = jobs().submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue("s3").build()))
                        .build())
                .getJob()
                .getId();
        try (TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "s3-node", 1)) {
            String nodeId = node.next(WAIT).getWelcome().getNodeId();
            AssignChunk assign = node.nextAssign(WAIT).getAssign();
            assertThat(assign.getChunk().getJobId()).isEqualTo(jobId);
            byte[] segment =
                    TestingSegments.segment(directory.resolve("s3.ts"), 60, 30, 0, TestingSegments.BT709_LIMITED);
            Status accepted = TestingUpload.begin(orchestrator.channel(), assign.getChunk(), nodeId, 60, segment)
                    .finish(segment);
            assertThat(accepted.getCode()).as(accepted.toString()).isEqualTo(Status.Code.OK);
        }
        Job job = awaitEnd(jobId);
        assertThat(job.getState()).as(job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(job.getExport().getLocation()).startsWith("s3://farm-objects/farm/");

        // The export is an object in the bucket, its size the one recorded; the segment was one
        // until the export was written (the assembly's clean-up deletes the job's segments).
        assertThat(TestingS3.assertJobBlobs(postgres.database().jdbi(), bucket, jobId))
                .as("segments and exports recorded")
                .containsExactly(1, 1);
        assertThat(bucket.size(ir.flatrender.orchestrator.templates.TemplateCatalog.packageKey(packageSha256)))
                .as("the template package")
                .isPresent();
        assertThat(orchestrator.dataDirectory().resolve("blobs"))
                .as("nothing on the orchestrator's disk")
                .doesNotExist();

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        jobs().downloadExport(DownloadExportRequest.newBuilder()
                        .setJobId(jobId)
                        .setTenantId(TestingOrchestrator.DEFAULT_TENANT.toString())
                        .build())
                .forEachRemaining(data -> streamed.writeBytes(data.getData().toByteArray()));
        assertThat(sha256(streamed.toByteArray())).isEqualTo(job.getExport().getSha256());

        ExportLink link = jobs().presignExport(PresignExportRequest.newBuilder()
                .setJobId(jobId)
                .setTenantId(TestingOrchestrator.DEFAULT_TENANT.toString())
                .setFileName("تولد.mp4")
                .build());
        assertThat(link.getExpiresAtUnixMillis())
                .isBetween(
                        System.currentTimeMillis() + Duration.ofMinutes(4).toMillis(),
                        System.currentTimeMillis() + Duration.ofMinutes(6).toMillis());
        HttpResponse<byte[]> direct = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(link.getUrl())).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(sha256(direct.body())).isEqualTo(job.getExport().getSha256());

        // Another tenant's caller finds no such job; a lifetime past an hour names its field.
        assertThatThrownBy(() -> jobs().presignExport(PresignExportRequest.newBuilder()
                        .setJobId(jobId)
                        .setTenantId(UUID.randomUUID().toString())
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> jobs().presignExport(PresignExportRequest.newBuilder()
                        .setJobId(jobId)
                        .setTenantId(TestingOrchestrator.DEFAULT_TENANT.toString())
                        .setValidSeconds(7200)
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("valid_seconds");
                });
    }
}
