package ir.flatrender.tools.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Calls the orchestrator's node admin service, each call within a deadline. */
public final class AdminClient {
    private final Channel channel;
    private final Duration deadline;

    public AdminClient(Channel channel, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    private FarmAdminServiceGrpc.FarmAdminServiceBlockingStub stub() {
        return FarmAdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Node> list(List<NodeState> states) {
        return stub().listNodes(
                        ListNodesRequest.newBuilder().addAllStates(states).build())
                .getNodesList();
    }

    /** Issues a node's or a gateway's credential; the answer holds the token, shown this once. */
    public ir.flatrender.proto.farm.v1.IssuedCredential issue(
            ir.flatrender.proto.farm.v1.CredentialRole role, String name, boolean replace) {
        return stub().issueCredential(ir.flatrender.proto.farm.v1.IssueCredentialRequest.newBuilder()
                .setRole(role)
                .setName(name)
                .setReplace(replace)
                .build());
    }

    public ir.flatrender.proto.farm.v1.Credential revoke(ir.flatrender.proto.farm.v1.CredentialRole role, String name) {
        return stub().revokeCredential(ir.flatrender.proto.farm.v1.RevokeCredentialRequest.newBuilder()
                .setRole(role)
                .setName(name)
                .build());
    }

    public List<ir.flatrender.proto.farm.v1.Credential> credentials() {
        return stub().listCredentials(ir.flatrender.proto.farm.v1.ListCredentialsRequest.getDefaultInstance())
                .getCredentialsList();
    }

    public Node get(String node) {
        return stub().getNode(request(node, ""));
    }

    public Node drain(String node, String reason) {
        return stub().drainNode(request(node, reason));
    }

    public Node disable(String node, String reason) {
        return stub().disableNode(request(node, reason));
    }

    public Node enable(String node) {
        return stub().enableNode(request(node, ""));
    }

    public Node release(String node) {
        return stub().releaseNode(request(node, ""));
    }

    public ir.flatrender.proto.farm.v1.NodeCacheResponse cache(String node) {
        return stub().getNodeCache(request(node, ""));
    }

    public ir.flatrender.proto.farm.v1.ListCrashesResponse crashes(
            ir.flatrender.proto.farm.v1.ListCrashesRequest request) {
        return stub().listCrashes(request);
    }

    public ir.flatrender.proto.farm.v1.ListRepairsResponse repairs(
            ir.flatrender.proto.farm.v1.ListRepairsRequest request) {
        return stub().listRepairs(request);
    }

    public ir.flatrender.proto.farm.v1.RequeueChunksResponse requeue(
            ir.flatrender.proto.farm.v1.RequeueChunksRequest request) {
        return stub().requeueChunks(request);
    }

    public ir.flatrender.proto.farm.v1.PurgeSnapshotsResponse purgeSnapshots(
            ir.flatrender.proto.farm.v1.PurgeSnapshotsRequest request) {
        return stub().purgeSnapshots(request);
    }

    private static NodeRequest request(String node, String reason) {
        return NodeRequest.newBuilder().setNode(node).setReason(reason).build();
    }
}
