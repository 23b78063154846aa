package ir.flatrender.tools.processes;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.media.observability.MetricsEndpoint;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.options.DurationConverter;
import ir.flatrender.tools.options.EngineOptions;
import ir.flatrender.tools.options.FfmpegOption;
import ir.flatrender.tools.options.MetricsOption;
import ir.flatrender.tools.options.SizeConverter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "node",
        description = "Run a render node: connects to the orchestrator and renders the chunks it is given.",
        footer = {"", "Example:", "  FLATRENDER_FARM_TOKEN=... flatrender node --orchestrator farm:7600 --slots 2"})
public final class NodeCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Mixin
    FfmpegOption ffmpeg;

    @Mixin
    EngineOptions engines;

    @Option(
            names = "--cache-budget",
            defaultValue = "10g",
            converter = SizeConverter.class,
            description = "Bytes of template packages the node keeps (default: ${DEFAULT-VALUE}).")
    DataSize cacheBudget;

    @Option(names = "--name", description = "Node name, unique in the farm (default: the host name).")
    String name;

    @Option(names = "--slots", defaultValue = "1", description = "Chunks rendered at once (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(
            names = "--work-dir",
            defaultValue = "flatrender-node",
            description = "Scratch space and template cache (default: ${DEFAULT-VALUE}).")
    Path workDirectory;

    @Option(
            names = "--no-progress-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Kill a chunk that renders no frame for this long (default: ${DEFAULT-VALUE}).")
    Duration noProgressTimeout;

    @Mixin
    MetricsOption metrics;

    @Override
    public Integer call() throws Exception {
        String nodeName =
                name == null || name.isBlank() ? InetAddress.getLocalHost().getHostName() : name;
        Path directory = workDirectory.toAbsolutePath();
        NodeConfig config = NodeConfig.builder(client.orchestrator(), client.token(), nodeName, directory)
                .trustedCertificates(client.tlsCa())
                .clientCertificate(client.tlsCertificate())
                .slots(slots)
                .cacheBudget(cacheBudget)
                .engines(engines.settings())
                .ffmpeg(ffmpeg.path())
                .noProgressTimeout(noProgressTimeout)
                .build();
        Shutdown shutdown = Shutdown.onSignal();
        PrometheusMeterRegistry meters = MetricsEndpoint.registry();
        try (RenderNode node = RenderNode.start(config, TimelineFonts.loadBundled(), root.json(), meters);
                CloseableOptional endpoint =
                        new CloseableOptional(metrics.start("0.0.0.0:9601", meters, node::notReady))) {
            spec.commandLine()
                    .getOut()
                    .printf(
                            "node %s started; orchestrator %s%n",
                            node.name(), config.connection().orchestrator());
            endpoint.value()
                    .ifPresent(e -> spec.commandLine()
                            .getOut()
                            .printf("metrics on port %d (/metrics, /healthz, /readyz)%n", e.port()));
            spec.commandLine().getOut().flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }
}
