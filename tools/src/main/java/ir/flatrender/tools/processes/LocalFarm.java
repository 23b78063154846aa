package ir.flatrender.tools.processes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.Schema;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.Orchestrator;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.server.Caller;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole farm in one process, for {@code dev} and {@code demo}: a database (embedded unless
 * one is given), an orchestrator, and render nodes connected to it over real gRPC sockets on
 * loopback, exactly as separate machines would be.
 */
public final class LocalFarm implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalFarm.class);

    /**
     * @param externalDatabase an external PostgreSQL; the embedded one when empty
     * @param embeddedDataDirectory where the embedded PostgreSQL keeps its data; temporary when empty
     */
    public record Options(
            Optional<DatabaseConfig> externalDatabase,
            Optional<Path> embeddedDataDirectory,
            int embeddedPort,
            OrchestratorConfig orchestrator,
            int nodes,
            int slotsPerNode,
            Optional<Path> ffmpeg,
            ir.flatrender.node.engines.EngineSettings engines) {
        public Options {
            requireNonNull(externalDatabase, "externalDatabase is null");
            requireNonNull(embeddedDataDirectory, "embeddedDataDirectory is null");
            requireNonNull(orchestrator, "orchestrator is null");
            requireNonNull(ffmpeg, "ffmpeg is null");
            requireNonNull(engines, "engines is null");
            if (nodes < 0 || nodes > 64) {
                throw new IllegalArgumentException("nodes must be between 0 and 64 but was " + nodes);
            }
        }
    }

    private final Orchestrator orchestrator;
    private final Database database;
    private final Database admin;
    private final DatabaseConfig databaseConfig;
    private final boolean embedded;
    private final List<RenderNode> nodes;
    private final String target;
    private final String token;
    private final Deque<AutoCloseable> closeables;

    /** The farm's database: the orchestrator's pool, the owner's, where it is, and whether it is embedded. */
    private record Databases(Database database, Database admin, DatabaseConfig config, boolean embedded) {}

    private LocalFarm(
            Orchestrator orchestrator,
            Databases databases,
            List<RenderNode> nodes,
            String target,
            String token,
            Deque<AutoCloseable> closeables) {
        this.orchestrator = orchestrator;
        this.database = databases.database();
        this.admin = databases.admin();
        this.databaseConfig = databases.config();
        this.embedded = databases.embedded();
        this.nodes = nodes;
        this.target = target;
        this.token = token;
        this.closeables = closeables;
    }

    public static LocalFarm start(Options options, ObjectMapper json) throws IOException {
        Deque<AutoCloseable> closeables = new ArrayDeque<>();
        try {
            DatabaseConfig databaseConfig;
            if (options.externalDatabase().isPresent()) {
                databaseConfig = options.externalDatabase().get();
            } else {
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(
                        new EmbeddedPostgresConfig(options.embeddedDataDirectory(), options.embeddedPort()));
                closeables.push(postgres);
                postgres.ensureDatabase("flatrender", null);
                databaseConfig = DatabaseConfig.of(postgres.jdbcUrl("flatrender"));
            }
            // The owner's connection migrates every schema and makes the services' logins; on the
            // embedded database the orchestrator then runs as a login in its own role.
            Database admin = Database.connect(databaseConfig.withMaxPoolSize(2), "farm-admin", json);
            closeables.push(admin);
            admin.migrate(List.of(Schema.CONTENT, Schema.RENDER, Schema.IDENTITY, Schema.PAYMENT));
            Database database = admin;
            if (options.externalDatabase().isEmpty()) {
                String password =
                        ServiceLogins.password(options.orchestrator().storage().dataDirectory(), "orchestrator");
                ServiceRoles.ensureLogin(
                        admin.dataSource(), ServiceRoles.ORCHESTRATOR, "flatrender_orchestrator_login", password);
                database = Database.connect(
                        ServiceRoles.loginConfig(databaseConfig, "flatrender_orchestrator_login", password),
                        "orchestrator",
                        json);
                closeables.push(database);
            }
            FfmpegBinaries ffmpeg = FfmpegBinaries.locate(options.ffmpeg(), Optional.empty());
            Orchestrator orchestrator = Orchestrator.start(options.orchestrator(), database, ffmpeg, json);
            closeables.push(orchestrator);
            String host = options.orchestrator().listen().host().equals("0.0.0.0")
                    ? "127.0.0.1"
                    : options.orchestrator().listen().host();
            String target = host + ":" + orchestrator.port();
            TimelineFonts fonts = TimelineFonts.loadBundled();
            List<RenderNode> nodes = new ArrayList<>();
            for (int i = 1; i <= options.nodes(); i++) {
                Path directory = options.orchestrator()
                        .storage()
                        .dataDirectory()
                        .resolve("nodes")
                        .resolve("node-" + i);
                // Each node is enrolled and presents its own credential, as on separate machines;
                // the farm token stays the operators'.
                String nodeToken = orchestrator
                        .credentials()
                        .issue(Caller.Role.NODE, "node-" + i, true)
                        .token();
                NodeConfig config = NodeConfig.builder(target, nodeToken, "node-" + i, directory)
                        .slots(options.slotsPerNode())
                        .ffmpeg(options.ffmpeg())
                        .engines(options.engines())
                        .build();
                RenderNode node = RenderNode.start(config, fonts, json);
                closeables.push(node);
                nodes.add(node);
            }
            return new LocalFarm(
                    orchestrator,
                    new Databases(
                            database,
                            admin,
                            databaseConfig,
                            options.externalDatabase().isEmpty()),
                    List.copyOf(nodes),
                    target,
                    options.orchestrator().farmToken(),
                    closeables);
        } catch (IOException | RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
    }

    /** Waits until every node has been welcomed by the orchestrator. */
    public void awaitNodes(Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<?>[] welcomed =
                nodes.stream().map(RenderNode::welcomed).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(welcomed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a node could not connect", e.getCause());
        }
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /**
     * The orchestrator's database connection (benchmarks read job rows from it): on the embedded
     * database a login in {@code flatrender_orchestrator}, which reads content and render only.
     */
    public Database database() {
        return database;
    }

    /**
     * A connection for another service as its own database role ({@code group}, one of
     * {@link ir.flatrender.migrations.ServiceRoles}), through a login this makes on the embedded
     * database. On an external database the farm's own connection is answered: its logins are
     * the operator's to make.
     */
    public Database connectService(String group, String login, String password, String pool, ObjectMapper json) {
        if (!embedded) {
            log.warn(
                    "external database: the {} service shares the farm's connection; give it a login in {}",
                    pool,
                    group);
            return admin;
        }
        ServiceRoles.ensureLogin(admin.dataSource(), group, login, password);
        Database service = Database.connect(ServiceRoles.loginConfig(databaseConfig, login, password), pool, json);
        closeables.push(service);
        return service;
    }

    public List<RenderNode> nodes() {
        return nodes;
    }

    /** The orchestrator's address, host:port. */
    public String target() {
        return target;
    }

    /** The farm token: the operators' credential (the CLI's --token). */
    public String token() {
        return token;
    }

    /**
     * Issues the farm's gateway its own credential (a live one of the same name is replaced):
     * the job service and reading templates, for the tenant each call names.
     */
    public String gatewayCredential(String name) {
        return orchestrator.credentials().issue(Caller.Role.GATEWAY, name, true).token();
    }

    /**
     * Issues the operators' console (in the farm's gateway) its own credential (a live one of the
     * same name is replaced): the farm's administration but credentials, and every tenant's jobs.
     */
    public String consoleCredential(String name) {
        return orchestrator.credentials().issue(Caller.Role.CONSOLE, name, true).token();
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(Deque<AutoCloseable> closeables) {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                log.warn("error while stopping the farm", e);
            }
        }
    }
}
