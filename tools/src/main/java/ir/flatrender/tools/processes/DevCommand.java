package ir.flatrender.tools.processes;

import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.tools.FarmTokens;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.DatabaseOptions;
import ir.flatrender.tools.options.EngineOptions;
import ir.flatrender.tools.options.FfmpegOption;
import ir.flatrender.tools.options.OrchestratorOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
        name = "dev",
        description =
                "Run a whole farm in one process and leave it running: a database (embedded unless "
                        + "--db-url), an orchestrator, render nodes and the REST gateway. State survives restarts in --data-dir.",
        footer = {
            "",
            "Example:",
            "  flatrender dev --nodes 3",
            "  export FLATRENDER_FARM_TOKEN=$(cat .flatrender/dev/farm-token)",
            "  flatrender submit --template sample-promo --tier 720p --wait"
        })
public final class DevCommand implements Callable<Integer> {
    /** The farm administrator {@code dev} makes, for crediting wallets through the gateway. */
    public static final String DEV_ADMIN = "admin@flatrender.local";

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
    EngineOptions engines;

    @Option(
            names = "--listen",
            defaultValue = "127.0.0.1:7600",
            description = "Orchestrator address (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--data-dir",
            defaultValue = ".flatrender/dev",
            description = "Where the farm keeps its state (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(names = "--nodes", defaultValue = "2", description = "Render nodes to start (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--slots", defaultValue = "1", description = "Slots per node (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(
            names = "--gateway-listen",
            defaultValue = "127.0.0.1:7700",
            description = "The REST gateway's address (default: ${DEFAULT-VALUE}).")
    String gatewayListen;

    @Option(
            names = "--zarinpal",
            defaultValue = "emulator",
            description = "ZarinPal for the payment broker: 'emulator' (default) runs the v4 emulator on"
                    + " --zarinpal-listen; a base URL (https://sandbox.zarinpal.com) uses that; 'off' runs no broker.")
    String zarinPal;

    @Option(
            names = "--zarinpal-listen",
            defaultValue = "127.0.0.1:7710",
            description = "The ZarinPal emulator's address (default: ${DEFAULT-VALUE}).")
    String zarinPalListen;

    @Option(
            names = "--pack",
            defaultValue = "templates",
            description = "The template pack seeded into the catalog on first start, while the catalog holds none of"
                    + " its templates (default: ${DEFAULT-VALUE}).")
    Path pack;

    @Option(names = "--no-seed", description = "Do not seed the template pack on first start.")
    boolean noSeed;

    @Option(
            names = "--coming-soon",
            paramLabel = "INSTANT",
            description = "The web app shows its coming-soon overlay until this instant (ISO 8601 in UTC, e.g."
                    + " 2027-03-21T00:00:00Z); unset: open.")
    Instant comingSoon;

    @Override
    @SuppressWarnings("try") // the emulator is only held running while the farm runs
    public Integer call() throws Exception {
        Listen address = Listen.parse(listen);
        Path data = dataDirectory.toAbsolutePath();
        String token = FarmTokens.readOrCreate(data);
        OrchestratorConfig config = orchestrator
                .apply(OrchestratorConfig.builder(data, token))
                .listen(address.host(), address.port())
                .build();
        LocalFarm.Options options = new LocalFarm.Options(
                database.external(),
                Optional.of(data.resolve("postgres")),
                database.embeddedPort(),
                config,
                nodes,
                slots,
                ffmpeg.path(),
                engines.settings());
        Shutdown shutdown = Shutdown.onSignal();
        Listen gatewayAddress = Listen.parse(gatewayListen);
        Listen emulatorAddress = Listen.parse(zarinPalListen);
        ir.flatrender.tools.zarinpal.ZarinPalEmulator emulator = zarinPal.equals("emulator")
                ? ir.flatrender.tools.zarinpal.ZarinPalEmulator.start(
                        emulatorAddress.host(), emulatorAddress.port(), java.util.Set.of())
                : null;
        Optional<String> zarinPalUrl = zarinPal.equals("off")
                ? Optional.empty()
                : Optional.of(emulator != null ? emulator.baseUrl() : zarinPal);
        try (ir.flatrender.tools.zarinpal.ZarinPalEmulator ignored = emulator;
                LocalFarm farm = LocalFarm.start(options, root.json());
                ir.flatrender.gateway.Gateway gateway = FarmGateway.start(
                        farm,
                        data,
                        farm.gatewayCredential("local-gateway"),
                        farm.consoleCredential("local-console"),
                        gatewayAddress,
                        new FarmGateway.Options(
                                Optional.of(ir.flatrender.tools.GatewayKeys.adminPassword(data)),
                                zarinPalUrl,
                                Optional.ofNullable(comingSoon)),
                        root.json())) {
            farm.awaitNodes(Duration.ofSeconds(60));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("FlatRender dev farm is running%n");
            out.printf("  orchestrator: %s%n", farm.target());
            out.printf(
                    "  gateway:      http://%s:%d (OpenAPI at /openapi.json)%n", gatewayAddress.host(), gateway.port());
            out.printf(
                    "  web app:      http://%s:%d/%s%n",
                    gatewayAddress.host(),
                    gateway.port(),
                    comingSoon == null ? "" : " (coming soon until " + comingSoon + ")");
            out.printf(
                    "  farm admin:   %s, password in %s%n",
                    DEV_ADMIN, data.resolve(ir.flatrender.tools.GatewayKeys.ADMIN_PASSWORD_FILE));
            out.printf(
                    "  farm token:   %s (export FLATRENDER_FARM_TOKEN=$(cat %s))%n",
                    data.resolve(FarmTokens.FILE), data.resolve(FarmTokens.FILE));
            out.printf(
                    "  payments:     %s%n",
                    zarinPalUrl
                            .map(url ->
                                    "broker on the gateway, ZarinPal " + url + (emulator != null ? " (emulator)" : ""))
                            .orElse("off"));
            out.printf("  nodes:        %d x %d slot(s)%n", nodes, slots);
            out.printf("  data:         %s%n", data);
            if (noSeed) {
                out.printf("  pack:         not seeded (--no-seed)%n");
            } else {
                PackSeeding.startIfEmpty(
                                pack.toAbsolutePath(),
                                farm.target(),
                                farm.token(),
                                engines.settings(),
                                root.json(),
                                out)
                        .ifPresent(why -> out.printf("  pack:         not seeded: %s%n", why));
            }
            out.printf("Press Ctrl-C to stop.%n");
            out.flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }
}
