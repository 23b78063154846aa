package ir.flatrender.tools.farm.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.ManagedChannel;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.templates.TemplateClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;

/**
 * A running farm made to a {@link FarmShape}: a database of its own on the test JVM's embedded
 * PostgreSQL, an orchestrator on it, its nodes (enrolled, connected and welcomed), and a gateway
 * when the shape asks for one; with the clients a test talks to it through. Closed in the reverse
 * order: gateway, nodes, orchestrator, database, folder.
 */
public final class Farm implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final AtomicInteger GATEWAY_LOGINS = new AtomicInteger();

    private final FarmShape shape;
    private final TestingPostgres postgres;
    private final Path directory;
    private final TestingOrchestrator orchestrator;
    private final TestingNodes nodes = new TestingNodes();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Optional<Gateway> gateway = Optional.empty();
    private Optional<Database> gatewayDatabase = Optional.empty();

    private Farm(FarmShape shape, TestingPostgres postgres, Path directory, TestingOrchestrator orchestrator) {
        this.shape = requireNonNull(shape, "shape is null");
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.orchestrator = requireNonNull(orchestrator, "orchestrator is null");
    }

    /**
     * Starts a farm on {@code postgres}'s database (which it closes with itself); a farm that
     * fails to start is closed before the failure is thrown.
     */
    static Farm start(FarmShape shape, TestingPostgres postgres, UnaryOperator<OrchestratorConfig.Builder> customize) {
        Path directory;
        try {
            directory = Files.createTempDirectory("farm-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestingOrchestrator orchestrator = TestingOrchestrator.start(
                postgres.database(), config -> customize.apply(config.installSamples(shape.samples())));
        Farm farm = new Farm(shape, postgres, directory, orchestrator);
        try {
            farm.populate();
            return farm;
        } catch (RuntimeException | Error e) {
            try {
                farm.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void populate() {
        for (FarmShape.TestTemplate template : shape.testTemplates()) {
            orchestrator.installTestTemplate(template.name(), template.files());
        }
        for (NodeSpec node : shape.nodes()) {
            EngineSettings settings = engines(node.engine());
            node.engine().assertRunnable(settings);
            nodes.start(orchestrator, node.name(), directory, node.slots(), settings);
        }
        if (shape.gateway()) {
            startGateway();
        }
    }

    private void startGateway() {
        String token = orchestrator.enrollGateway("farm-gateway");
        // Roles are the server's, not one database's: each farm's gateway logs in by its own name.
        String login = "farm_gateway_" + GATEWAY_LOGINS.incrementAndGet();
        ServiceRoles.ensureLogin(postgres.database().dataSource(), ServiceRoles.GATEWAY, login, "test password");
        Database database =
                Database.connect(ServiceRoles.loginConfig(postgres.config(), login, "test password"), login, JSON);
        gatewayDatabase = Optional.of(database);
        gateway = Optional.of(Gateway.startMigrated(
                GatewayConfig.builder(
                                orchestrator.target(), token, AccessTokens.generateKeys(), SecretBox.generateKey())
                        .listen("127.0.0.1", 0)
                        .build(),
                database,
                JSON));
    }

    public FarmShape shape() {
        return shape;
    }

    public TestingOrchestrator orchestrator() {
        return orchestrator;
    }

    /** The orchestrator's address, {@code host:port}. */
    public String target() {
        return orchestrator.target();
    }

    /** The farm token: operators' rights on every service but the nodes'. */
    public String token() {
        return orchestrator.token();
    }

    /** A channel presenting the farm token, shut down with the farm. */
    public ManagedChannel channel() {
        return orchestrator.channel();
    }

    public JobClient jobs() {
        return new JobClient(channel(), DEADLINE);
    }

    public AdminClient admin() {
        return new AdminClient(channel(), DEADLINE);
    }

    public TemplateClient templates() {
        return new TemplateClient(channel(), DEADLINE);
    }

    /** The farm's database, as the orchestrator's owner sees it. */
    public Database database() {
        return postgres.database();
    }

    /** How to reach the farm's database, for components that open their own pool. */
    public DatabaseConfig databaseConfig() {
        return postgres.config();
    }

    public Jdbi jdbi() {
        return database().jdbi();
    }

    /** A folder of the farm's own (the nodes' work folders are in it), deleted with the farm. */
    public Path directory() {
        return directory;
    }

    public int gatewayPort() {
        return gateway.orElseThrow(() -> new IllegalStateException("this farm's shape has no gateway"))
                .port();
    }

    /** The gateway's base URL, {@code http://127.0.0.1:<port>}. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort();
    }

    /** An HTTP client for the gateway. */
    public HttpClient http() {
        return http;
    }

    /** The settings a node of {@code engine} gets on this farm. */
    public EngineSettings engines(NodeEngine engine) {
        return engine.settings(directory);
    }

    /**
     * Starts one more node, welcomed before this returns; the test closes it (the farm closes it
     * too, if still open). On a shared farm, a test that adds a node closes it before it ends.
     */
    public RenderNode startNode(String name, int slots, EngineSettings engines) {
        return nodes.start(orchestrator, name, directory, slots, engines);
    }

    /**
     * Runs {@code flatrender <arguments> --orchestrator <this farm> --token <farm token>} in this
     * JVM, as an operator would on this farm.
     */
    public CommandRun flatrender(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of("--orchestrator", target(), "--token", token()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, all.toArray(String[]::new));
        return new CommandRun(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        gateway.ifPresent(Gateway::close);
        gatewayDatabase.ifPresent(Database::close);
        nodes.close();
        orchestrator.close();
        postgres.database().close();
        try {
            MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }
}
