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
}
