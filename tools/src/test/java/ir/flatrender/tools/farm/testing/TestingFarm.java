package ir.flatrender.tools.farm.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeState;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A farm for a test class: the embedded database, an orchestrator, the nodes and (if asked) the
 * gateway of a {@link FarmShape}, started before the class's first test, with its clients on
 * {@link #farm()}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestingFarm farm = TestingFarm.shared(FarmShape.remotionPair().withGateway());
 * }</pre>
 *
 * <p>{@link #shared} farms are kept in the root {@link ExtensionContext.Store}, keyed by their
 * shape, and closed by JUnit when the run ends: every class of the test JVM that asks for an equal
 * shape uses the one farm (failsafe runs all classes in one reused fork; see tools/pom.xml). They
 * are for classes that leave the farm as they found it: no process killed, no node left drained,
 * disabled or quarantined (checked after each class), each class its own templates, jobs and
 * tenants, and no assertion on what the whole farm holds. A class that kills or reconfigures
 * processes, or whose checks need an empty catalog, asks for a farm of its {@link #own}, closed
 * after its last test.
 */
public final class TestingFarm implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestingFarm.class);

    private final FarmShape shape;
    private final boolean shared;
    private final UnaryOperator<OrchestratorConfig.Builder> customize;
    private Farm farm;

    private TestingFarm(FarmShape shape, boolean shared, UnaryOperator<OrchestratorConfig.Builder> customize) {
        this.shape = requireNonNull(shape, "shape is null");
        this.shared = shared;
        this.customize = requireNonNull(customize, "customize is null");
    }

    /** The farm of this shape every class asking for it shares, started by the first. */
    public static TestingFarm shared(FarmShape shape) {
        return new TestingFarm(shape, true, config -> config);
    }

    /** A farm of this class's own, closed after its last test. */
    public static TestingFarm own(FarmShape shape) {
        return own(shape, config -> config);
    }

    /** A farm of this class's own whose orchestrator's settings the class changes. */
    public static TestingFarm own(FarmShape shape, UnaryOperator<OrchestratorConfig.Builder> customize) {
        return new TestingFarm(shape, false, customize);
    }

    /** The running farm; from the class's {@code @BeforeAll} methods on. */
    public Farm farm() {
        if (farm == null) {
            throw new IllegalStateException("the farm starts before the class's first test (register it static)");
        }
        return farm;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!shared) {
            farm = start(context);
            return;
        }
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        farm = store.get(shape, Farm.class);
        if (farm == null) {
            // The database server is put in the root store first, so that JUnit, which closes
            // what it stores in the reverse order, closes this farm before the server.
            TestingPostgres postgres = startDatabase(context);
            farm = store.getOrComputeIfAbsent(shape, key -> start(postgres), Farm.class);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared) {
            farm.close();
            return;
        }
        if (farm != null) {
            assertLeftAsFound(context);
        }
    }

    private Farm start(ExtensionContext context) {
        return start(startDatabase(context));
    }

    private Farm start(TestingPostgres postgres) {
        try {
            return Farm.start(shape, postgres, customize);
        } catch (RuntimeException | Error e) {
            postgres.database().close();
            throw e;
        }
    }

    private static TestingPostgres startDatabase(ExtensionContext context) {
        TestingPostgres postgres = new TestingPostgres();
        postgres.beforeAll(context);
        return postgres;
    }

    /** Every node of the shape is online after the class, as the next class expects it. */
    private void assertLeftAsFound(ExtensionContext context) {
        Map<String, NodeState> states =
                farm.admin().list(List.of()).stream().collect(Collectors.toMap(Node::getName, Node::getState));
        for (NodeSpec node : shape.nodes()) {
            assertThat(states.get(node.name()))
                    .as(
                            "%s left node %s of the shared farm so; a class that changes a node's state needs a farm of its own",
                            context.getRequiredTestClass().getSimpleName(), node.name())
                    .isEqualTo(NodeState.NODE_STATE_ONLINE);
        }
    }
}
