package ir.flatrender.tools.conformance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.options.DurationConverter;
import ir.flatrender.tools.processes.LocalFarm;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flatrender node-conformance ADDRESS}: checks a render node of any language against the node contract. */
@Command(
        mixinStandardHelpOptions = true,
        name = "node-conformance",
        description = {
            "Checks a render node against the node contract (deploy/NODE-CONTRACT.md): runs a farm orchestrator"
                    + " with no node of its own on ADDRESS, waits for one node to connect, and drives it through"
                    + " an assignment and its uploads (verified as the farm verifies them), lease renewal, a cancel,"
                    + " and a drain and re-enable. Prints one line per check; exits 0 when every check passed, 1"
                    + " otherwise."
        })
public final class NodeConformanceCommand implements Callable<Integer> {
    /** Short leases, so a node that does not renew them loses its chunks within the check. */
    private static final SchedulerConfig SCHEDULER = new SchedulerConfig(
            Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO);

    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    Output output;

    @Parameters(paramLabel = "ADDRESS", description = "host:port to listen on; point the node's orchestrator here.")
    String address;

    @Option(
            names = "--token",
            description = "The token the node presents (default: a new one, printed on standard error).")
    String token;

    @Option(
            names = "--timeout",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "How long each check waits (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        int colon = address.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("ADDRESS must be host:port, not '" + address + "'");
        }
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        String farmToken = token == null ? FarmToken.generate() : token;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path data = Files.createTempDirectory("flatrender-conformance-");
        try (LocalFarm farm = LocalFarm.start(
                new LocalFarm.Options(
                        Optional.empty(),
                        Optional.empty(),
                        0,
                        OrchestratorConfig.builder(data, farmToken)
                                .listen(host, port)
                                .scheduler(SCHEDULER)
                                .build(),
                        0,
                        1,
                        Optional.empty(),
                        EngineSettings.timelineOnly()),
                root.json())) {
            err.println("node-conformance: listening on " + farm.target() + "; start the node with --orchestrator "
                    + farm.target() + " and the token " + farmToken);
            err.flush();
            ManagedChannel channel = channel(farm.target(), farmToken);
            try {
                List<NodeConformance.Check> checks =
                        new NodeConformance(channel, timeout, SCHEDULER.heartbeatInterval()).run();
                print(out, checks);
                return checks.stream().allMatch(NodeConformance.Check::passed) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            MoreFiles.deleteRecursively(data, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private void print(PrintWriter out, List<NodeConformance.Check> checks) throws Exception {
        if (output.json()) {
            ObjectNode answer = root.json().createObjectNode();
            ArrayNode list = answer.putArray("checks");
            for (NodeConformance.Check check : checks) {
                list.addObject()
                        .put("name", check.name())
                        .put("passed", check.passed())
                        .put("detail", check.detail());
            }
            out.println(root.json().writeValueAsString(answer));
        } else {
            for (NodeConformance.Check check : checks) {
                out.printf("%-4s  %s: %s%n", check.passed() ? "ok" : "FAIL", check.name(), check.detail());
            }
        }
        out.flush();
    }

    private static ManagedChannel channel(String target, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
    }
}
