package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.media.tls.FarmTls;
import ir.flatrender.proto.farm.v1.DownloadExportRequest;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator as the gateway calls it: every call with a deadline and naming the tenant
 * it is for ({@code flatrender-tenant}; the orchestrator binds the call to it), and the
 * orchestrator's errors turned into problems a web client can act on.
 */
public final class FarmClient {
    /** The tenant whose templates make the shared catalog; catalog reads are made as it. */
    public static final String CATALOG_TENANT = "00000000-0000-0000-0000-000000000001";

    static final Metadata.Key<String> TENANT = Metadata.Key.of("flatrender-tenant", Metadata.ASCII_STRING_MARSHALLER);

    private final JobServiceGrpc.JobServiceBlockingStub jobs;
    private final JobServiceGrpc.JobServiceStub jobsAsync;
    private final TemplateServiceGrpc.TemplateServiceBlockingStub templates;
    private final ir.flatrender.proto.farm.v1.CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    private final Duration deadline;

    public FarmClient(Channel channel, Duration deadline) {
        requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
        this.jobs = JobServiceGrpc.newBlockingStub(channel);
        this.jobsAsync = JobServiceGrpc.newStub(channel);
        this.templates = TemplateServiceGrpc.newBlockingStub(channel);
        this.catalog = ir.flatrender.proto.farm.v1.CatalogServiceGrpc.newBlockingStub(channel);
    }

    /**
     * A channel to the orchestrator presenting the gateway's own credential on every call, in
     * TLS when CA certificates to check the orchestrator's are given.
     */
    public static ManagedChannel channel(String target, String credential, Optional<Path> trustCertificates) {
        return channel(target, credential, trustCertificates, Optional.empty());
    }

    /**
     * As {@link #channel(String, String, Optional)}, presenting {@code clientCertificate} when the
     * orchestrator asks for one (mutual TLS). Certificate files are read again when they change.
     */
    public static ManagedChannel channel(
            String target,
            String credential,
            Optional<Path> trustCertificates,
            Optional<CertificateFiles> clientCertificate) {
        ChannelCredentials transport = trustCertificates.isPresent()
                ? FarmTls.channelCredentials(trustCertificates.get(), clientCertificate)
                : InsecureChannelCredentials.create();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
        return NettyChannelBuilder.forTarget(target, transport)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                // A job comes back with its bindings: up to 5 MiB of embedded files.
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    private static ClientInterceptor tenant(String tenantId) {
        Metadata headers = new Metadata();
        headers.put(TENANT, tenantId);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private JobServiceGrpc.JobServiceBlockingStub jobs(String tenantId) {
        return jobs.withInterceptors(tenant(tenantId)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Template> listTemplates() {
        return call(() -> templates
                .withInterceptors(tenant(CATALOG_TENANT))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listTemplates(ListTemplatesRequest.getDefaultInstance())
                .getTemplatesList());
    }

    public Optional<Template> template(String id) {
        try {
            return Optional.of(templates
                    .withInterceptors(tenant(CATALOG_TENANT))
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .getTemplate(
                            GetTemplateRequest.newBuilder().setTemplateId(id).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw problem(e);
        }
    }

    /** The catalog as {@code tenantId} sees it: the shared tenant's templates and its own. */
    public ir.flatrender.proto.farm.v1.ListCatalogResponse catalog(String tenantId) {
        return call(() -> catalog.withInterceptors(tenant(tenantId))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listCatalog(ir.flatrender.proto.farm.v1.ListCatalogRequest.newBuilder()
                        .setTenantId(tenantId)
                        .build()));
    }

    /** A catalog cover's or preview's bytes, in parts; no overall deadline (a video may be long), cancelled by the caller. */
    public Iterator<ir.flatrender.proto.farm.v1.CatalogMediaData> catalogMedia(
            String tenantId, String sha256, long offset, long length) {
        return catalog.withInterceptors(tenant(tenantId))
                .withDeadlineAfter(30, TimeUnit.MINUTES)
                .readCatalogMedia(ir.flatrender.proto.farm.v1.ReadCatalogMediaRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setSha256(sha256)
                        .setOffset(offset)
                        .setLength(length)
                        .build());
    }

    public Job submit(SubmitJobRequest request) {
        return call(() -> jobs(request.getTenantId()).submitJob(request).getJob());
    }

    public ir.flatrender.proto.farm.v1.Snapshot snapshot(ir.flatrender.proto.farm.v1.RenderSnapshotRequest request) {
        return call(() -> jobs.withInterceptors(tenant(request.getTenantId()))
                .withDeadlineAfter(Math.max(deadline.toMillis(), 60_000), TimeUnit.MILLISECONDS)
                .renderSnapshot(request));
    }

    public Job cancel(String tenantId, String jobId, String reason) {
        return call(() -> jobs(tenantId)
                .cancelJob(ir.flatrender.proto.farm.v1.CancelJobRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setJobId(jobId)
                        .setReason(reason)
                        .build()));
    }

    public Job get(String tenantId, String jobId) {
        return call(() -> jobs(tenantId)
                .getJob(GetJobRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setJobId(jobId)
                        .build()));
    }

    /** Progress until the job ends; no deadline (a render may take long), cancelled by the caller. */
    public Iterator<JobProgress> watch(String tenantId, String jobId) {
        return jobs.withInterceptors(tenant(tenantId))
                .watchJob(WatchJobRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setJobId(jobId)
                        .build());
    }

    /**
     * Progress until the job ends, to {@code observer} on gRPC's threads (no thread waits on
     * it); no deadline, cancelled through the call {@code observer} is handed first.
     */
    public void watch(
            String tenantId, String jobId, io.grpc.stub.ClientResponseObserver<WatchJobRequest, JobProgress> observer) {
        jobsAsync.watchJob(
                WatchJobRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setJobId(jobId)
                        .build(),
                observer);
    }

    public Iterator<ExportData> download(String tenantId, String jobId, long offset, long length) {
        return jobs.withInterceptors(tenant(tenantId))
                .withDeadlineAfter(30, TimeUnit.MINUTES)
                .downloadExport(DownloadExportRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setJobId(jobId)
                        .setOffset(offset)
                        .setLength(length)
                        .build());
    }

    /**
     * A short-lived URL from which the job's export downloads straight from the farm's object
     * store; empty when the farm keeps its files on the orchestrator's disk (then {@link
     * #download} streams it).
     */
    public java.util.Optional<ir.flatrender.proto.farm.v1.ExportLink> presign(
            String tenantId, String jobId, String fileName) {
        try {
            return java.util.Optional.of(jobs(tenantId)
                    .presignExport(ir.flatrender.proto.farm.v1.PresignExportRequest.newBuilder()
                            .setTenantId(tenantId)
                            .setJobId(jobId)
                            .setFileName(fileName)
                            .build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION
                    || e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
                return java.util.Optional.empty();
            }
            throw problem(e);
        }
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw problem(e);
        }
    }

    /** The orchestrator's error as a problem: its field violations become the problem's fields. */
    public static Problem problem(StatusRuntimeException e) {
        String description =
                e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
        return switch (e.getStatus().getCode()) {
            case INVALID_ARGUMENT -> Problem.validation(description, violations(e));
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", description);
            case RESOURCE_EXHAUSTED -> Problem.tooMany("the farm is busy: " + description, 5);
            case UNAVAILABLE, DEADLINE_EXCEEDED -> Problem.unavailable("the render farm did not answer in time");
            default -> Problem.of(502, "farm-error", "The render farm failed", description);
        };
    }

    private static List<Problem.FieldError> violations(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return List.of();
        }
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        for (com.google.protobuf.Any detail : status.getDetailsList()) {
            if (detail.is(BadRequest.class)) {
                try {
                    for (BadRequest.FieldViolation violation :
                            detail.unpack(BadRequest.class).getFieldViolationsList()) {
                        errors.add(new Problem.FieldError(violation.getField(), violation.getDescription()));
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // Not readable: the description still says what was wrong.
                }
            }
        }
        return errors;
    }
}
