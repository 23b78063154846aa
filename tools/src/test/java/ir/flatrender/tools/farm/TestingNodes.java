package ir.flatrender.tools.farm;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Render nodes for a test, connected to a TestingOrchestrator over real sockets, welcomed before use. */
final class TestingNodes implements AutoCloseable {
    private static final TimelineFonts FONTS = TimelineFonts.loadBundled();

    private final List<RenderNode> nodes = new ArrayList<>();

    RenderNode start(TestingOrchestrator orchestrator, String name, Path directory, int slots, EngineSettings engines) {
        try {
            RenderNode node = RenderNode.start(
                    NodeConfig.defaults(orchestrator.target(), orchestrator.token(), name, directory.resolve(name))
                            .withSlots(slots)
                            .withEngines(engines),
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

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
