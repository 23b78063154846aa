package ir.flatrender.tools.processes;

import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.tools.FarmTokens;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.GatewayKeys;
import ir.flatrender.tools.options.DatabaseOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "gateway",
        description = "Run the REST gateway for web clients: identity, billing and the render API, forwarding renders"
                + " to the orchestrator over gRPC. OpenAPI document at /openapi.json.",
        footer = {
            "",
            "Examples:",
            "  flatrender gateway --orchestrator 127.0.0.1:7600 --data-dir flatrender-data",
            "  FLATRENDER_DB_URL=jdbc:postgresql://db/flatrender FLATRENDER_FARM_TOKEN=... \\",
            "    FLATRENDER_GATEWAY_KEYS=k1=BASE64URL flatrender gateway --listen 0.0.0.0:7700"
        })
public final class GatewayCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:7700",
            description = "HTTP address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--orchestrator",
            defaultValue = "127.0.0.1:7600",
            description = "The orchestrator, host:port (default: ${DEFAULT-VALUE}).")
    String orchestrator;

    @Option(
            names = "--data-dir",
            defaultValue = "flatrender-data",
            description = "Where the farm token, the signing keys and (without --db-url) the embedded database are"
                    + " (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(
            names = "--token",
            defaultValue = "${env:FLATRENDER_FARM_TOKEN}",
            description = "The farm token (env FLATRENDER_FARM_TOKEN); else DATA_DIR/farm-token.")
    String token;

    @Option(
            names = "--signing-keys",
            defaultValue = "${env:FLATRENDER_GATEWAY_KEYS}",
            description = "Access-token keys, id=base64url[,id=base64url…], the signing one first (env"
                    + " FLATRENDER_GATEWAY_KEYS); else made once in DATA_DIR/gateway-keys.")
    String signingKeys;

    @Option(
            names = "--master-key",
            defaultValue = "${env:FLATRENDER_GATEWAY_MASTER_KEY}",
            description = "AES-256 key (base64) for secrets kept encrypted: TOTP seeds, webhook secrets (env"
                    + " FLATRENDER_GATEWAY_MASTER_KEY); else made once in DATA_DIR/gateway-master-key.")
    String masterKey;

    @Option(
            names = "--allow-private-webhooks",
            description = "Let webhooks point at loopback and private addresses (off: tenants cannot reach the farm's"
                    + " own network through them).")
    boolean allowPrivateWebhooks;

    @Override
    public Integer call() throws Exception {
        Listen address = Listen.parse(listen);
        Path data = dataDirectory.toAbsolutePath();
        String farmToken = token == null || token.isBlank() ? FarmTokens.readOrCreate(data) : token.strip();
        Map<String, byte[]> keys = signingKeys == null || signingKeys.isBlank()
                ? GatewayKeys.readOrCreate(data)
                : AccessTokens.parseKeys(signingKeys.strip());
        GatewayConfig config = GatewayConfig.defaults(
                        orchestrator,
                        farmToken,
                        keys,
                        masterKey == null || masterKey.isBlank()
                                ? GatewayKeys.masterKey(data)
                                : java.util.Base64.getDecoder().decode(masterKey.strip()))
                .withListen(address.host(), address.port())
                .withAllowPrivateWebhooks(allowPrivateWebhooks);
        EmbeddedPostgresServer postgres = null;
        DatabaseConfig databaseConfig;
        if (database.external().isPresent()) {
            databaseConfig = database.external().get();
        } else {
            postgres = EmbeddedPostgresServer.start(
                    new EmbeddedPostgresConfig(Optional.of(data.resolve("postgres")), database.embeddedPort()));
            postgres.ensureDatabase("flatrender", null);
            try {
                // The owner migrates; the gateway runs as a login in its own role.
                databaseConfig = ServiceLogins.migrateAndLogIn(
                                DatabaseConfig.of(postgres.jdbcUrl("flatrender")),
                                java.util.List.of(ir.flatrender.migrations.Schema.IDENTITY),
                                ir.flatrender.migrations.ServiceRoles.GATEWAY,
                                "gateway",
                                data,
                                root.json())
                        .withMaxPoolSize(database.pool());
            } catch (java.io.IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        }
        Shutdown shutdown = Shutdown.onSignal();
        try (EmbeddedPostgresServer ignored = postgres;
                Database db = Database.connect(databaseConfig, "gateway", root.json());
                Gateway gateway = postgres != null
                        ? Gateway.startMigrated(config, db, root.json())
                        : Gateway.start(config, db, root.json())) {
            spec.commandLine()
                    .getOut()
                    .printf(
                            "gateway listening on http://%s:%d (orchestrator %s)%n",
                            address.host(), gateway.port(), orchestrator);
            spec.commandLine().getOut().flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }
}
