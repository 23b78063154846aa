package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.orchestrator.health.NodeSample;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A heartbeat's resources become the health history's sample at the stream's edge. */
class NodeSampleMappingTest {
    @Test
    void measuredFieldsCarryOverAndUnmeasuredOnesAreNull() {
        Heartbeat heartbeat = Heartbeat.newBuilder()
                .addRunning(ChunkRef.newBuilder().setChunkId(UUID.randomUUID().toString()))
                .addRunning(ChunkRef.newBuilder().setChunkId(UUID.randomUUID().toString()))
                .setResources(ResourceSample.newBuilder()
                        .setCpuLoad(0.25)
                        .setLoadAverage(-1)
                        .setMemoryUsedBytes(4L << 30)
                        .setDiskFreeBytes(100L << 30))
                .build();

        assertThat(NodeEventHandler.sampleOf(heartbeat))
                .isEqualTo(new NodeSample(0.25, null, 4L << 30, null, 100L << 30, null, null, 2));
    }

    @Test
    void aGpuIsSampledOnlyWhereTheNodeHasOne() {
        Heartbeat heartbeat = Heartbeat.newBuilder()
                .setResources(ResourceSample.newBuilder()
                        .setCpuLoad(0.5)
                        .setLoadAverage(2.0)
                        .setMemoryTotalBytes(16L << 30)
                        .setGpuPresent(true)
                        .setGpuLoad(0.75)
                        .setGpuMemoryUsedBytes(1L << 30))
                .build();

        assertThat(NodeEventHandler.sampleOf(heartbeat))
                .isEqualTo(new NodeSample(0.5, 2.0, null, 16L << 30, null, 0.75, 1L << 30, 0));
    }
}
