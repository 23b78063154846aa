package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance kit (issue 16): it passes the Java node and reports what a broken node gets wrong. */
class NodeConformanceIT {
    @TempDir
    Path directory;

    private record Run(int exitCode, String out, String err) {}

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs the kit on its own thread; the node under test is started beside it. */
    private static CompletableFuture<Run> conformance(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
            return new Run(code, out.toString(), err.toString());
        });
    }

    @Test
    @DisplayName("the Java node passes every check: hello, render and upload, leases, cancel, drain and enable")
    @SuppressWarnings("try") // the node is only held running while the kit checks it
    void theJavaNodePasses() throws Exception {
        String address = "127.0.0.1:" + freePort();
        String token = FarmToken.generate();
        CompletableFuture<Run> kit =
                conformance("node-conformance", address, "--token", token, "--timeout", "60s", "-o", "json");
        try (RenderNode node = RenderNode.start(
                NodeConfig.defaults(address, token, "conformant", directory.resolve("node")),
                TimelineFonts.loadBundled(),
                new ObjectMapper())) {
            Run run = kit.get(5, TimeUnit.MINUTES);

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            JsonNode checks = new ObjectMapper().readTree(run.out()).path("checks");
            assertThat(checks).hasSize(4);
            for (JsonNode check : checks) {
                assertThat(check.path("passed").asBoolean())
                        .as(check.toString())
                        .isTrue();
            }
        }
    }

    @Test
    @DisplayName("a node that heartbeats but never renders its assignments fails the render and cancel checks")
    void aNodeThatNeverRendersFails() throws Exception {
        String address = "127.0.0.1:" + freePort();
        String token = FarmToken.generate();
        CompletableFuture<Run> kit = conformance("node-conformance", address, "--token", token, "--timeout", "10s");
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        ManagedChannel channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try {
            // Connects (retrying until the kit listens), says hello, heartbeats with nothing running.
            StreamObserver<NodeEvent> stream = NodeServiceGrpc.newStub(channel)
                    .withWaitForReady()
                    .connect(new StreamObserver<NodeCommand>() {
                        @Override
                        public void onNext(NodeCommand command) {}

                        @Override
                        public void onError(Throwable error) {}

                        @Override
                        public void onCompleted() {}
                    });
            stream.onNext(NodeEvent.newBuilder()
                    .setHello(Hello.newBuilder()
                            .setNodeName("idle")
                            .addEngines("timeline")
                            .setSlots(1)
                            .setVersion("stub"))
                    .build());
            heartbeats.scheduleWithFixedDelay(
                    () -> {
                        synchronized (stream) {
                            stream.onNext(NodeEvent.newBuilder()
                                    .setHeartbeat(Heartbeat.getDefaultInstance())
                                    .build());
                        }
                    },
                    500,
                    500,
                    TimeUnit.MILLISECONDS);

            Run run = kit.get(5, TimeUnit.MINUTES);

            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.JOB_FAILED);
            assertThat(run.out())
                    .contains("ok    hello: node idle, engines [timeline], 1 slot(s)")
                    .contains("FAIL  assign, render, upload")
                    .contains("FAIL  cancel: the job's chunk never ran")
                    .contains("had been quarantined for its failed attempts and was released first");
        } finally {
            heartbeats.shutdownNow();
            channel.shutdownNow();
        }
    }
}
