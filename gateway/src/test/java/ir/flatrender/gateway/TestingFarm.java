package ir.flatrender.gateway;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import ir.flatrender.proto.farm.v1.Export;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written orchestrator for the gateway's tests, on a real socket: one template
 * ({@code sample}), every job running (a job id ending in {@code 0} has succeeded, with a
 * 1000-byte export), {@code WatchJob} sends one progress and then holds the stream open.
 * Records the jobs submitted.
 */
final class TestingFarm implements AutoCloseable {
    private final Server server;
    final List<SubmitJobRequest> submitted = new CopyOnWriteArrayList<>();
    final List<StreamObserver<JobProgress>> watching = new CopyOnWriteArrayList<>();
    /** Whether its exports are in an object store, so that {@code PresignExport} answers a URL. */
    volatile boolean presigns;

    final List<ir.flatrender.proto.farm.v1.PresignExportRequest> presigned = new CopyOnWriteArrayList<>();

    TestingFarm() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new Jobs())
                    .addService(new Templates())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String target() {
        return "127.0.0.1:" + server.getPort();
    }

    static Job job(String id) {
        boolean done = id.endsWith("0");
        Job.Builder job = Job.newBuilder()
                .setId(id)
                .setTemplateId("sample")
                .setState(done ? JobState.JOB_STATE_SUCCEEDED : JobState.JOB_STATE_RUNNING)
                .setTotalFrames(90)
                .setFramesDone(done ? 90 : 30)
                .addWarnings(
                        "tier 2160p upscales: the template's 16:9 is drawn at 1920x1080 and scaled up to 3840x2160");
        if (done) {
            job.setExport(Export.newBuilder().setSizeBytes(1000).setSha256("ab"));
        }
        return job.build();
    }

    private final class Jobs extends JobServiceGrpc.JobServiceImplBase {
        @Override
        public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> answer) {
            submitted.add(request);
            answer.onNext(SubmitJobResponse.newBuilder()
                    .setJob(job(UUID.randomUUID().toString().replaceAll(".$", "1")))
                    .setCreated(true)
                    .build());
            answer.onCompleted();
        }

        @Override
        public void getJob(GetJobRequest request, StreamObserver<Job> answer) {
            answer.onNext(job(request.getJobId()));
            answer.onCompleted();
        }

        @Override
        public void presignExport(
                ir.flatrender.proto.farm.v1.PresignExportRequest request,
                StreamObserver<ir.flatrender.proto.farm.v1.ExportLink> answer) {
            if (!presigns) {
                answer.onError(io.grpc.Status.FAILED_PRECONDITION
                        .withDescription("the farm keeps its files on the orchestrator's disk")
                        .asRuntimeException());
                return;
            }
            presigned.add(request);
            answer.onNext(ir.flatrender.proto.farm.v1.ExportLink.newBuilder()
                    .setUrl("https://store.example/farm/exports/" + request.getJobId()
                            + "/video.mp4?X-Amz-Signature=ab")
                    .setExpiresAtUnixMillis(1_900_000_000_000L)
                    .build());
            answer.onCompleted();
        }

        @Override
        public void watchJob(WatchJobRequest request, StreamObserver<JobProgress> answer) {
            answer.onNext(JobProgress.newBuilder()
                    .setJob(job(request.getJobId()))
                    .setEtaMillis(-1)
                    .build());
            watching.add(answer);
        }
    }

    private static final class Templates extends TemplateServiceGrpc.TemplateServiceImplBase {
        @Override
        public void getTemplate(GetTemplateRequest request, StreamObserver<Template> answer) {
            answer.onNext(Template.newBuilder()
                    .setId(request.getTemplateId())
                    .setVersion(1)
                    .setCurrent(true)
                    .setNameEn("Sample")
                    .setEngine("timeline")
                    .setFps(30)
                    .setDurationFrames(90)
                    .addAspects(TemplateAspect.newBuilder()
                            .setAspect("16:9")
                            .setWidth(1920)
                            .setHeight(1080))
                    .setBindingsJson("[]")
                    .build());
            answer.onCompleted();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
