package ir.flatrender.orchestrator.api;

import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.health.HealthDao;
import ir.flatrender.orchestrator.health.HealthHistory;
import ir.flatrender.orchestrator.health.NodeSample;
import ir.flatrender.orchestrator.nodes.NodeState;
import ir.flatrender.orchestrator.nodes.NodeView;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeHealthResponse;
import ir.flatrender.proto.farm.v1.NodeHealthSample;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Nodes, their states and their resource samples, as FarmAdminService answers them. */
final class NodeMapper {
    private NodeMapper() {}

    /** A node's health history, oldest first. */
    static NodeHealthResponse history(NodeView node, List<HealthDao.Row> rows) {
        NodeHealthResponse.Builder response = NodeHealthResponse.newBuilder().setNodeName(node.name());
        for (HealthDao.Row row : rows) {
            NodeHealthSample.Builder sample = NodeHealthSample.newBuilder()
                    .setResources(resources(row.sample()))
                    .setRunningChunks(row.runningChunks());
            JobMapper.timestamp(row.recordedAt()).ifPresent(sample::setRecordedAt);
            response.addSamples(sample);
        }
        return response.build();
    }

    /** The sample on the wire as the node sent it: unmeasured fields zero, an unknown load average -1. */
    static ResourceSample resources(NodeSample sample) {
        ResourceSample.Builder resources = ResourceSample.newBuilder()
                .setCpuLoad(sample.cpuLoad())
                .setLoadAverage(sample.loadAverage() == null ? -1 : sample.loadAverage());
        if (sample.memoryUsedBytes() != null) {
            resources.setMemoryUsedBytes(sample.memoryUsedBytes());
        }
        if (sample.memoryTotalBytes() != null) {
            resources.setMemoryTotalBytes(sample.memoryTotalBytes());
        }
        if (sample.diskFreeBytes() != null) {
            resources.setDiskFreeBytes(sample.diskFreeBytes());
        }
        if (sample.gpuLoad() != null) {
            resources.setGpuPresent(true).setGpuLoad(sample.gpuLoad());
            if (sample.gpuMemoryUsedBytes() != null) {
                resources.setGpuMemoryUsedBytes(sample.gpuMemoryUsedBytes());
            }
        }
        return resources.build();
    }

    static Node toProto(NodeView node, Optional<HealthHistory.Recorded> sample) {
        Node.Builder proto = toProto(node).toBuilder();
        sample.ifPresent(recorded -> {
            proto.setResources(resources(recorded.sample()));
            JobMapper.timestamp(recorded.at()).ifPresent(proto::setResourcesAt);
        });
        return proto.build();
    }

    static Node toProto(NodeView node) {
        Node.Builder proto = Node.newBuilder()
                .setId(node.id().toString())
                .setName(node.name())
                .setHostname(node.hostname())
                .setVersion(node.version())
                .addAllEngines(node.engines())
                .addAllCapabilities(node.capabilities())
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
