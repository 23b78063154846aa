package ir.flatrender.tools.jobs;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.Context;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.proto.farm.v1.DownloadExportRequest;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The client side of the job service, every unary call with a deadline. */
public final class JobClient {
    private static final int MIN_PREFIX = 4;
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PREFIX_TEXT = Pattern.compile("[0-9a-f-]+");

    private final Channel channel;
    private final Duration deadline;

    public JobClient(Channel channel, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    private JobServiceGrpc.JobServiceBlockingStub unary() {
        return JobServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public SubmitJobResponse submit(SubmitJobRequest request) {
        return unary().submitJob(request);
    }

    public ir.flatrender.proto.farm.v1.ListJobsResponse list(ir.flatrender.proto.farm.v1.ListJobsRequest request) {
        return unary().listJobs(request);
    }

    public Job cancel(String jobId, String reason) {
        return unary().cancelJob(ir.flatrender.proto.farm.v1.CancelJobRequest.newBuilder()
                .setJobId(resolve(jobId))
                .setReason(reason)
                .build());
    }

    public Job pause(String jobId, String reason) {
        return unary().pauseJob(control(resolve(jobId), reason));
    }

    public Job resume(String jobId, String reason) {
        return unary().resumeJob(control(resolve(jobId), reason));
    }

    public Job retry(String jobId, String reason) {
        return unary().retryJob(control(resolve(jobId), reason));
    }

    public Job setPriority(String jobId, int priority) {
        return unary().setJobPriority(ir.flatrender.proto.farm.v1.SetJobPriorityRequest.newBuilder()
                .setJobId(resolve(jobId))
                .setPriority(priority)
                .build());
    }

    /**
     * A job's id from the id or a unique prefix of it, as git and docker take them: a whole
     * UUID is used as it is; a shorter prefix (at least {@value #MIN_PREFIX} characters) is
     * looked up among the jobs the caller may list, and must match exactly one.
     */
    public String resolve(String jobOrPrefix) {
        String prefix = jobOrPrefix.strip().toLowerCase(Locale.ROOT);
        if (UUID_TEXT.matcher(prefix).matches()) {
            return prefix;
        }
        if (prefix.length() < MIN_PREFIX || !PREFIX_TEXT.matcher(prefix).matches()) {
            throw FarmException.invalid(
                    "JOB",
                    "'" + jobOrPrefix + "' is neither a job id nor a prefix of one (at least " + MIN_PREFIX
                            + " hexadecimal digits)");
        }
        List<String> matches = new ArrayList<>();
        String page = "";
        do {
            ListJobsResponse response = list(ListJobsRequest.newBuilder()
                    .setPageSize(500)
                    .setPageToken(page)
                    .build());
            response.getJobsList().stream()
                    .map(Job::getId)
                    .filter(id -> id.startsWith(prefix))
                    .forEach(matches::add);
            page = response.getNextPageToken();
        } while (!page.isEmpty() && matches.size() < 2);
        if (matches.isEmpty()) {
            throw FarmException.notFound("no job id starts with " + prefix);
        }
        if (matches.size() > 1) {
            throw FarmException.invalid(
                    "JOB",
                    "the prefix " + prefix + " is ambiguous: " + String.join(", ", matches) + " …; give more of it");
        }
        return matches.get(0);
    }

    private static ir.flatrender.proto.farm.v1.JobControlRequest control(String jobId, String reason) {
        return ir.flatrender.proto.farm.v1.JobControlRequest.newBuilder()
                .setJobId(jobId)
                .setReason(reason)
                .build();
    }

    public Job get(String jobId, boolean withChunks) {
        return unary().getJob(GetJobRequest.newBuilder()
                .setJobId(resolve(jobId))
                .setIncludeChunks(withChunks)
                .build());
    }

    /**
     * Follows a job's progress until it ends, handing each update to the listener.
     *
     * @return the job as it ended
     */
    public Job follow(String jobOrPrefix, Consumer<JobProgress> listener) {
        String jobId = resolve(jobOrPrefix);
        // A watch lasts as long as the render; it is cancelled with this context if we stop.
        try (Context.CancellableContext context = Context.current().withCancellation()) {
            return context.call(() -> {
                Iterator<JobProgress> updates = JobServiceGrpc.newBlockingStub(channel)
                        .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
                Job last = null;
                while (updates.hasNext()) {
                    JobProgress progress = updates.next();
                    listener.accept(progress);
                    last = progress.getJob();
                }
                return last == null ? get(jobId, false) : last;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Downloads the job's video to {@code target}, through a temporary file renamed into place. */
    public long download(String jobOrPrefix, Path target) throws IOException {
        String jobId = resolve(jobOrPrefix);
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, target.getFileName().toString(), ".part");
        long expected = -1;
        long received = 0;
        try {
            Iterator<ExportData> parts = JobServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(
                            Math.max(deadline.toMillis(), TimeUnit.MINUTES.toMillis(10)), TimeUnit.MILLISECONDS)
                    .downloadExport(
                            DownloadExportRequest.newBuilder().setJobId(jobId).build());
            try (OutputStream out = Files.newOutputStream(partial)) {
                while (parts.hasNext()) {
                    ExportData part = parts.next();
                    if (part.getOffset() != received) {
                        throw new IOException("download out of order at byte " + received);
                    }
                    part.getData().writeTo(out);
                    received += part.getData().size();
                    expected = part.getTotalSize();
                }
            }
            if (expected >= 0 && received != expected) {
                throw new IOException("download ended at byte " + received + " of " + expected);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return received;
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
