package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobQueries;
import ir.flatrender.orchestrator.jobs.JobView;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobStreamer;
import ir.flatrender.proto.farm.v1.DownloadExportRequest;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The job service's streaming calls: a job's progress as it changes ({@link JobWatch}), and its
 * export, from an offset, in flow-controlled chunks ({@link BlobStreamer}). Both see only the
 * caller's tenant's jobs.
 */
public final class JobStreams {
    private final JobQueries queries;
    private final JobEvents events;
    private final BlobStore blobs;
    private final BlobStreamer streamer;
    private final ScheduledExecutorService watchTimer;

    public JobStreams(
            JobQueries queries,
            JobEvents events,
            BlobStore blobs,
            BlobStreamer streamer,
            ScheduledExecutorService watchTimer) {
        this.queries = requireNonNull(queries, "queries is null");
        this.events = requireNonNull(events, "events is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.streamer = requireNonNull(streamer, "streamer is null");
        this.watchTimer = requireNonNull(watchTimer, "watchTimer is null");
    }

    void watch(WatchJobRequest request, StreamObserver<JobProgress> responseObserver) {
        try {
            new JobWatch(
                            JobServiceImpl.jobId(request.getJobId()),
                            JobServiceImpl.tenant(request.getTenantId()),
                            (ServerCallStreamObserver<JobProgress>) responseObserver,
                            queries,
                            blobs)
                    .start(events, watchTimer);
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
        }
    }

    void download(DownloadExportRequest request, StreamObserver<ExportData> responseObserver) {
        try {
            JobView view = queries.view(
                    JobServiceImpl.jobId(request.getJobId()), JobServiceImpl.tenant(request.getTenantId()), false);
            var export = export(view);
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

    private static ir.flatrender.orchestrator.jobs.ExportRow export(JobView view) {
        return view.export()
                .orElseThrow(() -> new FarmException(
                        ir.flatrender.orchestrator.errors.ErrorCode.FAILED_PRECONDITION,
                        "job " + view.job().id() + " has no export yet; it is "
                                + view.job().state()));
    }

    /** How long a presigned export URL works when the caller does not say, and at most. */
    static final java.time.Duration LINK_DEFAULT = java.time.Duration.ofMinutes(5);

    static final java.time.Duration LINK_LONGEST = java.time.Duration.ofHours(1);

    /** A presigned URL for the job's export, in the caller's tenant. */
    ir.flatrender.proto.farm.v1.ExportLink presign(ir.flatrender.proto.farm.v1.PresignExportRequest request) {
        if (request.getValidSeconds() < 0 || request.getValidSeconds() > LINK_LONGEST.toSeconds()) {
            throw FarmException.invalid(
                    "valid_seconds",
                    "must be between 0 and " + LINK_LONGEST.toSeconds() + " but was " + request.getValidSeconds());
        }
        String fileName = request.getFileName().strip();
        if (fileName.length() > 200 || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '/' || c == '\\')) {
            throw FarmException.invalid(
                    "file_name", "must be a file name of at most 200 characters, no controls or slashes");
        }
        JobView view = queries.view(
                JobServiceImpl.jobId(request.getJobId()), JobServiceImpl.tenant(request.getTenantId()), false);
        var export = export(view);
        java.time.Duration validFor =
                request.getValidSeconds() == 0 ? LINK_DEFAULT : java.time.Duration.ofSeconds(request.getValidSeconds());
        java.time.Instant expires = java.time.Instant.now().plus(validFor);
        java.net.URI url;
        try {
            url = presignedUrl(view, export, validFor, fileName);
        } catch (java.io.UncheckedIOException e) {
            throw new FarmException(
                    ir.flatrender.orchestrator.errors.ErrorCode.UNAVAILABLE,
                    e.getCause().getMessage());
        }
        return ir.flatrender.proto.farm.v1.ExportLink.newBuilder()
                .setUrl(url.toString())
                .setExpiresAtUnixMillis(expires.toEpochMilli())
                .build();
    }

    private java.net.URI presignedUrl(
            JobView view,
            ir.flatrender.orchestrator.jobs.ExportRow export,
            java.time.Duration validFor,
            String fileName) {
        return blobs.presignedDownload(
                        export.blobKey(),
                        validFor,
                        fileName.isEmpty() ? view.job().id() + ".mp4" : fileName)
                .orElseThrow(
                        () -> new FarmException(
                                ir.flatrender.orchestrator.errors.ErrorCode.FAILED_PRECONDITION,
                                "the farm keeps its files on the orchestrator's disk: download the export with DownloadExport"));
    }
}
