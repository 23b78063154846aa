package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobControl;
import ir.flatrender.orchestrator.jobs.JobQueries;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.JobView;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import ir.flatrender.proto.farm.v1.CancelJobRequest;
import ir.flatrender.proto.farm.v1.DownloadExportRequest;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobControlRequest;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.SetJobPriorityRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** The client service: validates the request's shape, calls the domain, converts the answer. */
public final class JobServiceImpl extends JobServiceGrpc.JobServiceImplBase {
    public static final UUID DEFAULT_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 500;

    private final JobSubmitter submitter;
    private final JobQueries queries;
    private final JobControl lifecycle;
    private final BlobStore blobs;
    private final JobStreams streams;
    private final SnapshotCalls snapshots;
    private final ObjectMapper json;

    public JobServiceImpl(
            JobSubmitter submitter,
            JobQueries queries,
            JobControl lifecycle,
            BlobStore blobs,
            JobStreams streams,
            SnapshotCalls snapshots,
            ObjectMapper json) {
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.streams = requireNonNull(streams, "streams is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> responseObserver) {
        unary(responseObserver, () -> {
            SubmitCommand command = new SubmitCommand(
                    tenant(request.getTenantId()).orElse(DEFAULT_TENANT),
                    request.getTemplateId().strip(),
                    request.getTemplateVersion(),
                    bindings(request),
                    request.getAspect().strip(),
                    request.getTier().strip(),
                    request.hasFrames() ? Optional.of(frames(request)) : Optional.empty(),
                    request.getFps(),
                    request.getIdempotencyKey(),
                    request.getPriority(),
                    request.getChunkFrames(),
                    request.getMaxAttempts(),
                    request.getExtraTiersList().stream().map(String::strip).toList(),
                    request.getAudioList().stream()
                            .map(track -> new AudioTrackSpec(
                                    track.getRole(), track.getSource(), track.getVolume(), track.getStartSeconds()))
                            .toList(),
                    Optional.empty());
            JobSubmitter.Submitted submitted = submitter.submit(command);
            JobView view = queries.view(submitted.job().id(), Optional.empty(), false);
            return SubmitJobResponse.newBuilder()
                    .setJob(JobMapper.toProto(view, blobs))
                    .setCreated(submitted.created())
                    .build();
        });
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> responseObserver) {
        unary(
                responseObserver,
                () -> JobMapper.toProto(
                        queries.view(
                                jobId(request.getJobId()), tenant(request.getTenantId()), request.getIncludeChunks()),
                        blobs));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> responseObserver) {
        unary(responseObserver, () -> {
            int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw FarmException.invalid("page_size", "must be between 1 and " + MAX_PAGE_SIZE);
            }
            List<JobState> states = new ArrayList<>();
            for (var state : request.getStatesList()) {
                try {
                    states.add(JobMapper.fromProto(state));
                } catch (IllegalArgumentException e) {
                    throw FarmException.invalid("states", e.getMessage());
                }
            }
            JobQueries.Page page = queries.list(
                    tenant(request.getTenantId()),
                    states,
                    request.getTemplateId().isEmpty() ? Optional.empty() : Optional.of(request.getTemplateId()),
                    request.getEngine().isBlank()
                            ? Optional.empty()
                            : Optional.of(request.getEngine().strip()),
                    request.hasCreatedSince()
                            ? Optional.of(java.time.Instant.ofEpochSecond(
                                    request.getCreatedSince().getSeconds(),
                                    request.getCreatedSince().getNanos()))
                            : Optional.empty(),
                    cursor(request.getPageToken()),
                    pageSize);
            ListJobsResponse.Builder response = ListJobsResponse.newBuilder();
            page.jobs().forEach(view -> response.addJobs(JobMapper.toProto(view, blobs)));
            page.next().ifPresent(next -> response.setNextPageToken(token(next)));
            return response.build();
        });
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> responseObserver) {
        unary(responseObserver, () -> {
            UUID id = jobId(request.getJobId());
            queries.view(id, tenant(request.getTenantId()), false);
            String reason = request.getReason().isBlank() ? "cancelled by a client" : request.getReason();
            lifecycle.cancel(id, reason);
            return JobMapper.toProto(queries.view(id, Optional.empty(), false), blobs);
        });
    }

    @Override
    public void pauseJob(JobControlRequest request, StreamObserver<Job> responseObserver) {
        control(request, responseObserver, (id, reason) -> lifecycle.pause(id, reason));
    }

    @Override
    public void resumeJob(JobControlRequest request, StreamObserver<Job> responseObserver) {
        control(request, responseObserver, (id, reason) -> lifecycle.resume(id, reason));
    }

    @Override
    public void retryJob(JobControlRequest request, StreamObserver<Job> responseObserver) {
        control(request, responseObserver, (id, reason) -> lifecycle.retry(id, reason));
    }

    @Override
    public void setJobPriority(SetJobPriorityRequest request, StreamObserver<Job> responseObserver) {
        unary(responseObserver, () -> {
            UUID id = jobId(request.getJobId());
            queries.view(id, tenant(request.getTenantId()), false);
            if (Math.abs(request.getPriority()) > 1_000_000) {
                throw FarmException.invalid("priority", "must be between -1000000 and 1000000");
            }
            lifecycle.setPriority(id, request.getPriority());
            return JobMapper.toProto(queries.view(id, Optional.empty(), false), blobs);
        });
    }

    private void control(
            JobControlRequest request,
            StreamObserver<Job> responseObserver,
            java.util.function.BiConsumer<UUID, String> change) {
        unary(responseObserver, () -> {
            UUID id = jobId(request.getJobId());
            queries.view(id, tenant(request.getTenantId()), false);
            change.accept(id, request.getReason().isBlank() ? "asked by a client" : request.getReason());
            return JobMapper.toProto(queries.view(id, Optional.empty(), false), blobs);
        });
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<JobProgress> responseObserver) {
        streams.watch(request, responseObserver);
    }

    @Override
    public void downloadExport(DownloadExportRequest request, StreamObserver<ExportData> responseObserver) {
        streams.download(request, responseObserver);
    }

    @Override
    public void presignExport(
            ir.flatrender.proto.farm.v1.PresignExportRequest request,
            StreamObserver<ir.flatrender.proto.farm.v1.ExportLink> responseObserver) {
        unary(responseObserver, () -> streams.presign(request));
    }

    @Override
    public void renderSnapshot(RenderSnapshotRequest request, StreamObserver<Snapshot> responseObserver) {
        snapshots.render(request, responseObserver);
    }

    /** Answers a unary call with what the supplier returns, or its error as a status. */
    static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(StatusMapper.toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private ObjectNode bindings(SubmitJobRequest request) {
        if (!request.hasBindings()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(JobMapper.json(request.getBindings()));
            return (ObjectNode) node;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw FarmException.invalid("bindings", "could not be read: " + e.getMessage());
        }
    }

    private static FrameRange frames(SubmitJobRequest request) {
        int start = request.getFrames().getStart();
        int end = request.getFrames().getEnd();
        if (start < 0 || end < start) {
            throw FarmException.invalid("frames", "range " + start + "-" + end + " is not a range (0 ≤ start ≤ end)");
        }
        return new FrameRange(start, end);
    }

    static UUID jobId(String text) {
        try {
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            throw FarmException.invalid("job_id", "'" + text + "' is not a job id (a UUID)");
        }
    }

    static Optional<UUID> tenant(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text.strip()));
        } catch (IllegalArgumentException e) {
            throw FarmException.invalid("tenant_id", "'" + text + "' is not a tenant id (a UUID)");
        }
    }

    private static String token(JobQueries.Cursor cursor) {
        String raw =
                cursor.createdAt().getEpochSecond() + ":" + cursor.createdAt().getNano() + ":" + cursor.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<JobQueries.Cursor> cursor(String token) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            return Optional.of(new JobQueries.Cursor(
                    Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2])));
        } catch (RuntimeException e) {
            throw FarmException.invalid("page_token", "is not a token this service gave out");
        }
    }
}
