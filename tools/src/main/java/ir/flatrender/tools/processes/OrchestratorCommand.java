package ir.flatrender.tools.processes;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.observability.MetricsEndpoint;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.orchestrator.Orchestrator;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.tools.FarmTokens;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.DatabaseOptions;
import ir.flatrender.tools.options.FfmpegOption;
import ir.flatrender.tools.options.MetricsOption;
import ir.flatrender.tools.options.ObjectStoreOptions;
import ir.flatrender.tools.options.OrchestratorOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "orchestrator",
        description = "Run the orchestrator: the gRPC server nodes and clients connect to.",
        footer = {
            "",
            "Examples:",
            "  flatrender orchestrator --data-dir /var/lib/flatrender",
            "  FLATRENDER_DB_URL=jdbc:postgresql://db/flatrender FLATRENDER_DB_PASSWORD=... \\",
            "    FLATRENDER_FARM_TOKEN=... flatrender orchestrator --listen 0.0.0.0:7600",
            "  FLATRENDER_S3_ACCESS_KEY=... FLATRENDER_S3_SECRET_KEY=... flatrender orchestrator \\",
            "    --s3-endpoint https://s3.example.ir --s3-bucket flatrender"
        })
public final class OrchestratorCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Mixin
    OrchestratorOptions orchestrator;

    @Mixin
    FfmpegOption ffmpeg;

    @Mixin
    ObjectStoreOptions objectStore;

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:7600",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--data-dir",
            defaultValue = "flatrender-data",
            description =
                    "Blobs, scratch space and (without --db-url) the embedded database (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(
            names = "--token",
            defaultValue = "${env:FLATRENDER_FARM_TOKEN}",
            description = "Farm token nodes and clients must present (env FLATRENDER_FARM_TOKEN). Without it one is "
                    + "made and kept in DATA_DIR/farm-token.")
    String token;

    @Mixin
    MetricsOption metrics;

    @Override
    @SuppressWarnings("try") // the embedded server is only held running while the orchestrator runs
    public Integer call() throws Exception {
        Listen address = Listen.parse(listen);
        // Options checked before anything is made on disk.
        var store = objectStore.settings(System.getenv());
        Path data = dataDirectory.toAbsolutePath();
        String farmToken = token == null || token.isBlank() ? FarmTokens.readOrCreate(data) : token.strip();
        OrchestratorConfig config = orchestrator
                .apply(OrchestratorConfig.builder(data, farmToken))
                .listen(address.host(), address.port())
                .objectStore(store)
                .build();
        EmbeddedPostgresServer postgres = null;
        DatabaseConfig databaseConfig;
        if (database.external().isPresent()) {
            databaseConfig = database.external().get();
        } else {
            postgres = EmbeddedPostgresServer.start(
                    new EmbeddedPostgresConfig(Optional.of(data.resolve("postgres")), database.embeddedPort()));
            postgres.ensureDatabase("flatrender", null);
            try {
                // The owner migrates; the orchestrator runs as a login in its own role.
                databaseConfig = ServiceLogins.migrateAndLogIn(
                                DatabaseConfig.of(postgres.jdbcUrl("flatrender")),
                                java.util.List.of(
                                        ir.flatrender.migrations.Schema.CONTENT,
                                        ir.flatrender.migrations.Schema.RENDER),
                                ir.flatrender.migrations.ServiceRoles.ORCHESTRATOR,
                                "orchestrator",
                                data,
                                root.json())
                        .withMaxPoolSize(database.pool());
            } catch (java.io.IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        }
        Shutdown shutdown = Shutdown.onSignal();
        PrometheusMeterRegistry meters = MetricsEndpoint.registry();
        try (EmbeddedPostgresServer ignored = postgres;
                Database db = Database.connect(databaseConfig, "orchestrator", root.json());
                Orchestrator running = Orchestrator.start(
                        config, db, FfmpegBinaries.locate(ffmpeg.path(), Optional.empty()), root.json(), meters);
                CloseableOptional endpoint =
                        new CloseableOptional(metrics.start("0.0.0.0:9600", meters, running::notReady))) {
            spec.commandLine()
                    .getOut()
                    .printf("orchestrator %s listening on %s:%d%n", running.id(), address.host(), running.port());
            endpoint.value()
                    .ifPresent(e -> spec.commandLine()
                            .getOut()
                            .printf("metrics on port %d (/metrics, /healthz, /readyz)%n", e.port()));
            if (token == null || token.isBlank()) {
                spec.commandLine().getOut().printf("farm token in %s%n", data.resolve(FarmTokens.FILE));
            }
            spec.commandLine().getOut().flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }
}
