package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.health.HealthConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeHealthRequest;
import ir.flatrender.proto.farm.v1.NodeHealthResponse;
import ir.flatrender.proto.farm.v1.NodeHealthSample;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21: a node's latest resource sample on {@code Node.resources}, and its history through
 * {@code GetNodeHealth}.
 */
class NodeHealthIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        // Every heartbeat a quarter of a second apart is kept.
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                config -> config.health(new HealthConfig(Duration.ofMillis(100), Duration.ofDays(90), 2)));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static NodeEvent heartbeat(double cpu, long memoryUsed) {
        return NodeEvent.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder()
                        .setSentAtUnixMillis(System.currentTimeMillis())
                        .setResources(ResourceSample.newBuilder()
                                .setCpuLoad(cpu)
                                .setLoadAverage(1.5)
                                .setMemoryUsedBytes(memoryUsed)
                                .setMemoryTotalBytes(16L << 30)
                                .setDiskFreeBytes(100L << 30)
                                .setGpuPresent(true)
                                .setGpuLoad(0.125)
                                .setGpuMemoryUsedBytes(1L << 30)))
                .build();
    }

    private static <T> T await(Supplier<T> ask, Predicate<T> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        T answer = ask.get();
        while (!until.test(answer) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            answer = ask.get();
        }
        assertThat(until.test(answer)).as("in time: %s", answer).isTrue();
        return answer;
    }

    @Test
    void aNodesHeartbeatsShowAsItsResourcesAndItsHistory() throws Exception {
        var admin =
                FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        try (TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "sampled", 1)) {
            assertThat(node.next(WAIT).hasWelcome()).isTrue();
            assertThat(admin.getNode(NodeRequest.newBuilder().setNode("sampled").build())
                            .hasResources())
                    .as("no heartbeat yet")
                    .isFalse();

            node.send(heartbeat(0.5, 4L << 30));
            Node sampled = await(
                    () -> admin.getNode(
                            NodeRequest.newBuilder().setNode("sampled").build()),
                    Node::hasResources);
            assertThat(sampled.getResources())
                    .isEqualTo(heartbeat(0.5, 4L << 30).getHeartbeat().getResources());
            assertThat(sampled.hasResourcesAt()).isTrue();

            Thread.sleep(250);
            node.send(heartbeat(0.75, 5L << 30));
            await(
                    () -> admin.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                            .filter(listed -> listed.getName().equals("sampled"))
                            .findFirst()
                            .orElseThrow(),
                    listed -> listed.getResources().getCpuLoad() == 0.75);
            NodeHealthResponse history = await(
                    () -> admin.getNodeHealth(
                            NodeHealthRequest.newBuilder().setNode("sampled").build()),
                    answer -> answer.getSamplesCount() == 2);
            assertThat(history.getNodeName()).isEqualTo("sampled");
            assertThat(history.getSamplesList())
                    .extracting(sample -> sample.getResources().getCpuLoad())
                    .containsExactly(0.5, 0.75);
            NodeHealthSample first = history.getSamples(0);
            assertThat(first.getResources())
                    .isEqualTo(heartbeat(0.5, 4L << 30).getHeartbeat().getResources());
            assertThat(first.getRunningChunks()).isZero();
            assertThat(first.hasRecordedAt()).isTrue();

            // The newest `limit` without a since; the oldest from then with one.
            assertThat(admin.getNodeHealth(NodeHealthRequest.newBuilder()
                                    .setNode("sampled")
                                    .setLimit(1)
                                    .build())
                            .getSamplesList())
                    .extracting(sample -> sample.getResources().getCpuLoad())
                    .containsExactly(0.75);
            assertThat(admin.getNodeHealth(NodeHealthRequest.newBuilder()
                                    .setNode(sampled.getId())
                                    .setSince(first.getRecordedAt())
                                    .setLimit(1)
                                    .build())
                            .getSamplesList())
                    .extracting(sample -> sample.getResources().getCpuLoad())
                    .containsExactly(0.5);
            assertThat(admin.getNodeHealth(NodeHealthRequest.newBuilder()
                                    .setNode("sampled")
                                    .setSince(Timestamp.newBuilder()
                                            .setSeconds(Instant.now().getEpochSecond() + 3600))
                                    .build())
                            .getSamplesList())
                    .isEmpty();
        }
        // Gone: its newest sample in the history still shows.
        Node gone = await(
                () -> admin.getNode(NodeRequest.newBuilder().setNode("sampled").build()), node -> !node.getConnected());
        assertThat(gone.getResources().getCpuLoad()).isEqualTo(0.75);
        assertThat(gone.getResources().getMemoryUsedBytes()).isEqualTo(5L << 30);
    }

    @Test
    void anUnknownNodeHasNoHealth() {
        var admin = FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel());
        assertThatThrownBy(() -> admin.getNodeHealth(
                        NodeHealthRequest.newBuilder().setNode("nobody").build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> admin.getNodeHealth(NodeHealthRequest.newBuilder()
                        .setNode("nobody")
                        .setLimit(5001)
                        .build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
