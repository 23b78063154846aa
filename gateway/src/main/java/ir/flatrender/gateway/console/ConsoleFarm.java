package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.renders.FarmClient;
import ir.flatrender.proto.farm.v1.CancelJobRequest;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobControlRequest;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.ListCrashesResponse;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.ListRepairsRequest;
import ir.flatrender.proto.farm.v1.ListRepairsResponse;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeCache;
import ir.flatrender.proto.farm.v1.NodeHealthRequest;
import ir.flatrender.proto.farm.v1.NodeHealthResponse;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.SetJobPriorityRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The orchestrator as the operators' console calls it: with the console's own credential
 * (never the gateway's tenant-bound one), across tenants, every call with a deadline, and the
 * farm's errors turned into problems the console can show.
 */
public final class ConsoleFarm {
    /** What a node or a job can be told to do from the console. */
    public enum NodeAction {
        DRAIN,
        DISABLE,
        ENABLE,
        RELEASE
    }

    public enum JobAction {
        CANCEL,
        PAUSE,
        RESUME,
        RETRY
    }

    private final FarmAdminServiceGrpc.FarmAdminServiceBlockingStub admin;
    private final JobServiceGrpc.JobServiceBlockingStub jobs;
    private final Duration deadline;

    public ConsoleFarm(Channel channel, Duration deadline) {
        requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
        this.admin = FarmAdminServiceGrpc.newBlockingStub(channel);
        this.jobs = JobServiceGrpc.newBlockingStub(channel);
    }

    private FarmAdminServiceGrpc.FarmAdminServiceBlockingStub admin() {
        return admin.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private JobServiceGrpc.JobServiceBlockingStub jobs() {
        return jobs.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Node> nodes() {
        return call(
                () -> admin().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
    }

    /** Every node's template cache, by node name. */
    public Map<String, NodeCache> caches() {
        return call(() -> admin().getNodeCache(NodeRequest.getDefaultInstance()).getNodesList().stream()
                .collect(Collectors.toMap(NodeCache::getNodeName, Function.identity(), (a, b) -> a)));
    }

    public Node node(String node) {
        return call(() -> admin().getNode(NodeRequest.newBuilder().setNode(node).build()));
    }

    public NodeHealthResponse health(NodeHealthRequest request) {
        return call(() -> admin().getNodeHealth(request));
    }

    public Node act(String node, NodeAction action, String reason) {
        NodeRequest request =
                NodeRequest.newBuilder().setNode(node).setReason(reason).build();
        return call(() -> switch (action) {
            case DRAIN -> admin().drainNode(request);
            case DISABLE -> admin().disableNode(request);
            case ENABLE -> admin().enableNode(request);
            case RELEASE -> admin().releaseNode(request);
        });
    }

    public ListJobsResponse jobs(ListJobsRequest request) {
        return call(() -> jobs().listJobs(request));
    }

    public Job job(String id, boolean withChunks) {
        return call(() -> jobs().getJob(GetJobRequest.newBuilder()
                .setJobId(id)
                .setIncludeChunks(withChunks)
                .build()));
    }

    public Job act(String job, JobAction action, String reason) {
        JobControlRequest control =
                JobControlRequest.newBuilder().setJobId(job).setReason(reason).build();
        return call(() -> switch (action) {
            case CANCEL ->
                jobs().cancelJob(CancelJobRequest.newBuilder()
                        .setJobId(job)
                        .setReason(reason)
                        .build());
            case PAUSE -> jobs().pauseJob(control);
            case RESUME -> jobs().resumeJob(control);
            case RETRY -> jobs().retryJob(control);
        });
    }

    public Job priority(String job, int priority) {
        return call(() -> jobs().setJobPriority(SetJobPriorityRequest.newBuilder()
                .setJobId(job)
                .setPriority(priority)
                .build()));
    }

    public ListCrashesResponse crashes(ListCrashesRequest request) {
        return call(() -> admin().listCrashes(request));
    }

    public ListRepairsResponse repairs(ListRepairsRequest request) {
        return call(() -> admin().listRepairs(request));
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw problem(e);
        }
    }

    /**
     * The farm's refusal as the console shows it: a state that does not allow the action is a
     * conflict, a refused credential says the console's credential is wrong, the rest as the
     * gateway's other calls answer them.
     */
    static Problem problem(StatusRuntimeException e) {
        String description =
                e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
        Status.Code code = e.getStatus().getCode();
        return switch (code) {
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> Problem.conflict("farm-state", description);
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                Problem.of(
                        503,
                        "console-credential",
                        "The console's farm credential was refused",
                        "the orchestrator refused the console's credential (" + description
                                + "); enroll one with `flatrender nodes enroll-console NAME` and give it to the gateway");
            default -> FarmClient.problem(e);
        };
    }
}
