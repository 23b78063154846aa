package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobControl;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobQueries;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.jobs.JobView;
import ir.flatrender.orchestrator.jobs.SubmitCommand;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobStreamer;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** The client service: validates the request's shape, calls the domain, converts the answer. */
public final class JobServiceImpl extends JobServiceGrpc.JobServiceImplBase {
    public static final UUID DEFAULT_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 500;

    private final JobSubmitter submitter;
    private final JobQueries queries;
    private final JobControl lifecycle;
    private final DomainEvents farmEvents;
    private final JobEvents events;
    private final BlobStore blobs;
    private final BlobStreamer streamer;
    private final ScheduledExecutorService watchTimer;
    private final SnapshotService snapshots;
    private final java.util.concurrent.Executor snapshotExecutor;
    private final ObjectMapper json;

    public JobServiceImpl(
            JobSubmitter submitter,
            JobQueries queries,
            JobControl lifecycle,
            DomainEvents farmEvents,
            JobEvents events,
            BlobStore blobs,
            BlobStreamer streamer,
            ScheduledExecutorService watchTimer,
            SnapshotService snapshots,
            java.util.concurrent.Executor snapshotExecutor,
            ObjectMapper json) {
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.farmEvents = requireNonNull(farmEvents, "farmEvents is null");
        this.events = requireNonNull(events, "events is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.streamer = requireNonNull(streamer, "streamer is null");
        this.watchTimer = requireNonNull(watchTimer, "watchTimer is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.snapshotExecutor = requireNonNull(snapshotExecutor, "snapshotExecutor is null");
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
            if (submitted.created()) {
                farmEvents.publish(new FarmEvent.WorkAdded());
            }
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
        try {
            new JobWatch(
                            jobId(request.getJobId()),
                            tenant(request.getTenantId()),
                            (ServerCallStreamObserver<JobProgress>) responseObserver,
                            queries,
                            blobs)
                    .start(events, watchTimer);
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
        }
    }

    @Override
    public void downloadExport(DownloadExportRequest request, StreamObserver<ExportData> responseObserver) {
        try {
            JobView view = queries.view(jobId(request.getJobId()), tenant(request.getTenantId()), false);
            var export = view.export()
                    .orElseThrow(() -> new FarmException(
                            ir.flatrender.orchestrator.errors.ErrorCode.FAILED_PRECONDITION,
                            "job " + view.job().id() + " has no export yet; it is "
                                    + view.job().state()));
            streamer.stream(
                    blobs,
                    export.blobKey(),
                    request.getOffset(),
                    request.getLength(),
                    (ServerCallStreamObserver<ExportData>) responseObserver,
                    (offset, data, total) -> ExportData.newBuilder()
                            .setOffset(offset)
                            .setData(data)
                            .setTotalSize(total)
                            .build());
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
        }
    }

    @Override
    public void renderSnapshot(RenderSnapshotRequest request, StreamObserver<Snapshot> responseObserver) {
        // Rendering waits for a node; that wait happens off the gRPC threads, within the call's
        // own deadline, and ends when the caller goes away.
        io.grpc.Context context = io.grpc.Context.current();
        io.grpc.Deadline deadline = context.getDeadline();
        Runnable work = () -> unary(responseObserver, () -> {
            ObjectNode bindings;
            try {
                bindings = request.hasBindings()
                        ? (ObjectNode) json.readTree(JobMapper.json(request.getBindings()))
                        : json.createObjectNode();
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw FarmException.invalid("bindings", "could not be read: " + e.getMessage());
            }
            long remaining = deadline == null
                    ? java.util.concurrent.TimeUnit.MINUTES.toMillis(2)
                    : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS);
            SnapshotService.Result result = snapshots.render(
                    new SnapshotService.Request(
                            tenant(request.getTenantId()).orElse(DEFAULT_TENANT),
                            request.getTemplateId().strip(),
                            request.getTemplateVersion(),
                            bindings,
                            request.getAspect().strip(),
                            request.getFrame(),
                            request.getTier().strip(),
                            request.getFormat().strip()),
                    java.time.Duration.ofMillis(Math.max(1, remaining)),
                    context::isCancelled);
            return Snapshot.newBuilder()
                    .setImage(com.google.protobuf.ByteString.copyFrom(result.image()))
                    .setFormat(result.format())
                    .setSize(ir.flatrender.proto.farm.v1.Size.newBuilder()
                            .setWidth(result.width())
                            .setHeight(result.height()))
                    .setCacheKey(result.cacheKey())
                    .setCached(result.cached())
                    .build();
        });
        try {
            snapshotExecutor.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            responseObserver.onError(io.grpc.Status.RESOURCE_EXHAUSTED
                    .withDescription("too many snapshot requests are waiting; try again shortly")
                    .asRuntimeException());
        }
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

    private static Optional<UUID> tenant(String text) {
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
