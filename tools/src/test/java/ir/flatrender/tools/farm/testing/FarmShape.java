package ir.flatrender.tools.farm.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * What a farm is made of: its nodes, whether the orchestrator installs its sample templates,
 * the test templates installed before any node connects, and whether a gateway fronts it. A
 * value: two test classes that ask for equal shapes share one farm ({@link TestingFarm#shared}).
 *
 * @param testTemplates test resources under {@code templates/<name>}, each with the files it holds
 */
public record FarmShape(List<NodeSpec> nodes, boolean samples, List<TestTemplate> testTemplates, boolean gateway) {
    public FarmShape {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        testTemplates = List.copyOf(requireNonNull(testTemplates, "testTemplates is null"));
        if (nodes.stream().map(NodeSpec::name).distinct().count() != nodes.size()) {
            throw new IllegalArgumentException("two nodes of one name: " + nodes);
        }
    }

    /** A test template package kept under {@code templates/<name>} in the test resources. */
    public record TestTemplate(String name, List<String> files) {
        public TestTemplate {
            requireNonNull(name, "name is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
        }
    }

    /** An orchestrator with no node, no template and no gateway. */
    public static FarmShape empty() {
        return new FarmShape(List.of(), false, List.of(), false);
    }

    /** Two Remotion nodes of one slot each, remotion-1 and remotion-2. */
    public static FarmShape remotionPair() {
        return empty().withNode("remotion-1", NodeEngine.REMOTION, 1).withNode("remotion-2", NodeEngine.REMOTION, 1);
    }

    /**
     * Two timeline nodes of one slot each, timeline-1 and timeline-2, with the orchestrator's
     * sample templates and the test template chime-card (a card with its own sound).
     */
    public static FarmShape timelinePair() {
        return empty().withSamples()
                .withTestTemplate("chime-card", List.of("template.json", "chime.wav"))
                .withNode("timeline-1", NodeEngine.TIMELINE, 1)
                .withNode("timeline-2", NodeEngine.TIMELINE, 1);
    }

    /** The test After Effects template ae-card, and nodes of one slot each on the fake aerender. */
    public static FarmShape aeCard(String... nodes) {
        FarmShape shape = empty().withTestTemplate("ae-card", List.of("template.json", "card.aep"));
        for (String node : nodes) {
            shape = shape.withNode(node, NodeEngine.FAKE_AFTER_EFFECTS, 1);
        }
        return shape;
    }

    public FarmShape withNode(String name, NodeEngine engine, int slots) {
        List<NodeSpec> more = new ArrayList<>(nodes);
        more.add(new NodeSpec(name, engine, slots));
        return new FarmShape(more, samples, testTemplates, gateway);
    }

    public FarmShape withSamples() {
        return new FarmShape(nodes, true, testTemplates, gateway);
    }

    public FarmShape withTestTemplate(String name, List<String> files) {
        List<TestTemplate> more = new ArrayList<>(testTemplates);
        more.add(new TestTemplate(name, files));
        return new FarmShape(nodes, samples, more, gateway);
    }

    public FarmShape withGateway() {
        return new FarmShape(nodes, samples, testTemplates, true);
    }
}
