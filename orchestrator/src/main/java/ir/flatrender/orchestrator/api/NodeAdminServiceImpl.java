package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.nodes.NodeControl;
import ir.flatrender.orchestrator.nodes.NodeState;
import ir.flatrender.orchestrator.nodes.NodeView;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.ListNodesResponse;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeRequest;
import java.util.List;
import java.util.Locale;

/** The operators' node service: list and look at nodes, drain, disable, enable, release them. */
public final class NodeAdminServiceImpl extends NodeAdminServiceGrpc.NodeAdminServiceImplBase {
    private final NodeControl control;

    public NodeAdminServiceImpl(NodeControl control) {
        this.control = requireNonNull(control, "control is null");
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            List<NodeState> states = request.getStatesList().stream()
                    .map(NodeAdminServiceImpl::fromProto)
                    .toList();
            ListNodesResponse.Builder response = ListNodesResponse.newBuilder();
            control.list(states).forEach(node -> response.addNodes(toProto(node)));
            return response.build();
        });
    }

    @Override
    public void getNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> toProto(control.get(name(request))));
    }

    @Override
    public void drainNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> toProto(control.drain(name(request), reason(request))));
    }

    @Override
    public void disableNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> toProto(control.disable(name(request), reason(request))));
    }

    @Override
    public void enableNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> toProto(control.enable(name(request))));
    }

    @Override
    public void releaseNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> toProto(control.release(name(request))));
    }

    private static String name(NodeRequest request) {
        String node = request.getNode().strip();
        if (node.isEmpty()) {
            throw FarmException.invalid("node", "is required (a node's name or id)");
        }
        return node;
    }

    private static String reason(NodeRequest request) {
        return request.getReason().isBlank() ? "asked by an operator" : request.getReason();
    }

    static Node toProto(NodeView node) {
        Node.Builder proto = Node.newBuilder()
                .setId(node.id().toString())
                .setName(node.name())
                .setHostname(node.hostname())
                .setVersion(node.version())
                .addAllEngines(node.engines())
                .setSlots(node.slots())
                .setState(toProto(node.nodeState()))
                .setConnected(node.orchestratorId() != null)
                .setOrchestratorId(
                        node.orchestratorId() == null
                                ? ""
                                : node.orchestratorId().toString())
                .setRunningChunks(node.runningChunks())
                .setQuarantineReason(node.quarantineReason() == null ? "" : node.quarantineReason())
                .setHealthChecksFailed(node.healthChecksFailed());
        JobMapper.timestamp(node.lastSeenAt()).ifPresent(proto::setLastSeenAt);
        JobMapper.timestamp(node.quarantinedAt()).ifPresent(proto::setQuarantinedAt);
        JobMapper.timestamp(node.healthCheckDueAt()).ifPresent(proto::setHealthCheckDueAt);
        return proto.build();
    }

    static ir.flatrender.proto.farm.v1.NodeState toProto(NodeState state) {
        return ir.flatrender.proto.farm.v1.NodeState.valueOf("NODE_STATE_" + state.name());
    }

    static NodeState fromProto(ir.flatrender.proto.farm.v1.NodeState state) {
        if (state == ir.flatrender.proto.farm.v1.NodeState.NODE_STATE_UNSPECIFIED
                || state == ir.flatrender.proto.farm.v1.NodeState.UNRECOGNIZED) {
            throw FarmException.invalid("states", "must name node states");
        }
        return NodeState.valueOf(state.name().substring("NODE_STATE_".length()).toUpperCase(Locale.ROOT));
    }
}
