package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ServerCallStreamObserver;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobQueries;
import ir.flatrender.orchestrator.jobs.JobView;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.proto.farm.v1.JobProgress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WatchJob stream. Changes only mark it dirty; a tick on the watch timer sends the latest
 * state when the client can take it (a slow client gets fewer, newer updates, never a backlog),
 * and at least once a second, which also picks up changes made by another orchestrator.
 */
final class JobWatch {
    private static final Logger log = LoggerFactory.getLogger(JobWatch.class);
    private static final long TICK_MILLIS = 200;
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final UUID jobId;
    private final Optional<UUID> tenantId;
    private final ServerCallStreamObserver<JobProgress> call;
    private final JobQueries queries;
    private final BlobStore blobs;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private AutoCloseable subscription;
    private ScheduledFuture<?> ticker;
    private long lastSentNanos;
    private volatile boolean finished;

    JobWatch(
            UUID jobId,
            Optional<UUID> tenantId,
            ServerCallStreamObserver<JobProgress> call,
            JobQueries queries,
            BlobStore blobs) {
        this.jobId = requireNonNull(jobId, "jobId is null");
        this.tenantId = requireNonNull(tenantId, "tenantId is null");
        this.call = requireNonNull(call, "call is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
    }

    void start(JobEvents events, ScheduledExecutorService timer) {
        // Fails here, on the calling thread, for an unknown job or another tenant's.
        queries.view(jobId, tenantId, false);
        subscription = events.subscribe(jobId, () -> dirty.set(true));
        call.setOnCancelHandler(this::stop);
        call.setOnReadyHandler(() -> dirty.set(true));
        ticker = timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        boolean due = dirty.get() || now - lastSentNanos >= REFRESH_NANOS;
        if (!due || !call.isReady()) {
            return;
        }
        dirty.set(false);
        try {
            JobView view = queries.view(jobId, tenantId, false);
            call.onNext(progress(view, now));
            lastSentNanos = now;
            if (view.job().jobState().isTerminal()) {
                stop();
                call.onCompleted();
            }
        } catch (RuntimeException e) {
            stop();
            try {
                call.onError(StatusMapper.toStatus(e));
            } catch (RuntimeException closed) {
                log.debug("watch of job {} already closed", jobId);
            }
        }
    }

    private JobProgress progress(JobView view, long now) {
        int done = view.framesDone();
        samples.addLast(new long[] {now, done});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > RATE_WINDOW_NANOS) {
            samples.removeFirst();
        }
        long[] oldest = samples.peekFirst();
        double seconds = (now - oldest[0]) / 1e9;
        double fps = seconds > 0.2 ? Math.max(0, (done - oldest[1]) / seconds) : 0;
        int remaining = view.job().totalFrames() - done;
        long eta = view.job().jobState().isTerminal() ? 0 : fps > 0 ? Math.round(remaining / fps * 1000) : -1;
        return JobProgress.newBuilder()
                .setJob(JobMapper.toProto(view, blobs))
                .setFramesPerSecond(fps)
                .setEtaMillis(eta)
                .build();
    }

    private void stop() {
        finished = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("could not unsubscribe watch of job {}", jobId, e);
            }
        }
    }
}
