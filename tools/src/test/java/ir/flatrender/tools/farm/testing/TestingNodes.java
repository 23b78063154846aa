package ir.flatrender.tools.farm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/** Render nodes for a test, connected to a TestingOrchestrator over real sockets, welcomed before use. */
public final class TestingNodes implements AutoCloseable {
    private static final TimelineFonts FONTS = TimelineFonts.loadBundled();

    private final List<RenderNode> nodes = new ArrayList<>();

    public RenderNode start(
            TestingOrchestrator orchestrator, String name, Path directory, int slots, EngineSettings engines) {
        return start(orchestrator, name, directory, slots, engines, config -> config);
    }

    public RenderNode start(
            TestingOrchestrator orchestrator,
            String name,
            Path directory,
            int slots,
            EngineSettings engines,
            UnaryOperator<NodeConfig.Builder> customize) {
        return start(orchestrator.target(), orchestrator.token(), name, directory, slots, engines, customize);
    }

    public RenderNode start(
            String target,
            String token,
            String name,
            Path directory,
            int slots,
            EngineSettings engines,
            UnaryOperator<NodeConfig.Builder> customize) {
        try {
            // The node is enrolled as the operator would (flatrender nodes enroll NAME --replace) and
            // connects with its own credential; the farm token never reaches it.
            String nodeToken = enroll(target, token, name);
            RenderNode node = RenderNode.start(
                    customize
                            .apply(NodeConfig.builder(target, nodeToken, name, directory.resolve(name))
                                    .slots(slots)
                                    .engines(engines))
                            .build(),
                    FONTS,
                    new ObjectMapper());
            nodes.add(node);
            node.welcomed().get(60, TimeUnit.SECONDS);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("node " + name + " did not connect", e);
        }
    }

    /** Issues node {@code name} its credential over the admin service, with the farm token; answers the token. */
    public static String enroll(String target, String farmToken, String name) throws Exception {
        io.grpc.ManagedChannel channel =
                ir.flatrender.tools.options.ClientOptions.channel(target, farmToken, java.util.Optional.empty());
        try {
            return new ir.flatrender.tools.admin.AdminClient(channel, Duration.ofSeconds(30))
                    .issue(ir.flatrender.proto.farm.v1.CredentialRole.CREDENTIAL_ROLE_NODE, name, true)
                    .getToken();
        } finally {
            channel.shutdownNow();
        }
    }

    /** Retries an assertion about state other threads write until it holds, or fails with its last error. */
    public static void eventually(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
