package ir.flatrender.tools.admin;

import ir.flatrender.proto.farm.v1.Credential;
import ir.flatrender.proto.farm.v1.CredentialRole;
import ir.flatrender.proto.farm.v1.IssuedCredential;
import ir.flatrender.proto.farm.v1.ListCredentialsResponse;
import ir.flatrender.proto.farm.v1.ListNodesResponse;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeCache;
import ir.flatrender.proto.farm.v1.NodeCacheEntry;
import ir.flatrender.proto.farm.v1.NodeCacheResponse;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.certs.CertsCommand;
import ir.flatrender.tools.options.ClientOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "nodes",
        description = "Look at and steer the render nodes.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {
            "",
            "Examples:",
            "  flatrender nodes list --state online",
            "  flatrender nodes show render-07 -o json",
            "  flatrender nodes drain render-07 --yes      # finish its chunks, take no new",
            "  flatrender nodes release render-07          # lift a quarantine",
            "  flatrender nodes cache",
            "  flatrender nodes enroll render-07            # prints the node's token, once",
            "  flatrender nodes enroll render-07 --certs-dir /etc/flatrender/certs   # and signs its certificate",
            "  flatrender nodes revoke render-07 --yes      # its stream is cut at once",
            "  flatrender nodes enroll-console console      # the gateway's --console-token"
        })
public final class NodesCommand {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Command(
            mixinStandardHelpOptions = true,
            name = "list",
            description = "The nodes the farm knows, with their state and work.")
    int list(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Option(names = "--state", description = "Only nodes in these states: ${COMPLETION-CANDIDATES}.")
                    List<State> states)
            throws Exception {
        List<NodeState> wanted = new ArrayList<>();
        if (states != null) {
            states.forEach(state -> wanted.add(state.proto()));
        }
        List<Node> nodes = Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).list(wanted));
        Table table = Table.of("NAME", "STATE", "CONNECTED", "ENGINES", "SLOTS", "RUNNING", "LAST SEEN", "VERSION");
        for (Node node : nodes) {
            table.row(
                    node.getName(),
                    state(node.getState()),
                    node.getConnected() ? "yes" : "no",
                    String.join(",", node.getEnginesList()),
                    node.getSlots(),
                    node.getRunningChunks(),
                    Output.time(node.getLastSeenAt()),
                    node.getVersion());
        }
        output.print(out(), ListNodesResponse.newBuilder().addAllNodes(nodes).build(), table);
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "enroll",
            description = {
                "Issues a node its own credential and prints the token, once: give it to the node as",
                "--token (or FLATRENDER_FARM_TOKEN). The farm keeps only its SHA-256. A node may then",
                "connect only as NODE, and act only on the chunks leased to it."
            })
    int enroll(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(paramLabel = "NODE", description = "The node's name (its --name).") String node,
            @Option(names = "--replace", description = "Revoke the node's live credential first (its stream is cut).")
                    boolean replace,
            @Option(
                            names = "--certs-dir",
                            description = "Also sign the node's client certificate for mutual TLS with the CA kept"
                                    + " there (flatrender certs init): nodes/NODE.pem and nodes/NODE-key.pem.")
                    Path certsDir)
            throws Exception {
        if (certsDir != null) {
            // Before the token is minted: a missing CA fails the command with no credential issued.
            Path[] files = CertsCommand.issueNode(certsDir, node, CertsCommand.DEFAULT_VALIDITY);
            spec.commandLine().getErr().println("certificate: " + files[0] + " (key " + files[1] + ")");
        }
        return printIssued(
                output,
                Calls.with(
                        client,
                        channel -> new AdminClient(channel, Calls.DEADLINE)
                                .issue(CredentialRole.CREDENTIAL_ROLE_NODE, node, replace)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "enroll-gateway",
            description = {
                "Issues a gateway its own credential and prints the token, once (the gateway's --token).",
                "It opens the job service, reading templates and reading the catalog, for the tenant each call names."
            })
    int enrollGateway(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(paramLabel = "GATEWAY", description = "A name for the gateway.") String gateway,
            @Option(names = "--replace", description = "Revoke the gateway's live credential first.") boolean replace)
            throws Exception {
        return printIssued(
                output,
                Calls.with(
                        client,
                        channel -> new AdminClient(channel, Calls.DEADLINE)
                                .issue(CredentialRole.CREDENTIAL_ROLE_GATEWAY, gateway, replace)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "enroll-console",
            description = {
                "Issues the operators' console (in the gateway) its own credential and prints the token, once",
                "(the gateway's --console-token). It opens the farm's administration but credentials, every",
                "tenant's jobs but submitting and snapshots, templates and the catalog; never the node service."
            })
    int enrollConsole(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(paramLabel = "NAME", description = "A name for the console (the gateway it runs in).")
                    String console,
            @Option(names = "--replace", description = "Revoke the console's live credential first.") boolean replace)
            throws Exception {
        return printIssued(
                output,
                Calls.with(
                        client,
                        channel -> new AdminClient(channel, Calls.DEADLINE)
                                .issue(CredentialRole.CREDENTIAL_ROLE_CONSOLE, console, replace)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "revoke",
            description = "Revokes a node's credential: its calls are refused and its stream is cut at once.")
    int revoke(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Mixin Confirm confirm,
            @Parameters(paramLabel = "NODE") String node,
            @Option(names = "--gateway", description = "NODE names a gateway's credential instead.") boolean gateway,
            @Option(names = "--console", description = "NODE names the console's credential instead.") boolean console)
            throws Exception {
        if (gateway && console) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--gateway and --console name different credentials; give one");
        }
        CredentialRole role = gateway
                ? CredentialRole.CREDENTIAL_ROLE_GATEWAY
                : console ? CredentialRole.CREDENTIAL_ROLE_CONSOLE : CredentialRole.CREDENTIAL_ROLE_NODE;
        confirm.check(
                spec.commandLine(),
                root.interactive(),
                "Revoke the credential of " + NodeText.roleName(role) + " " + node + "?");
        Credential revoked = Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).revoke(role, node));
        if (output.json()) {
            out().println(Output.json(revoked));
        } else {
            out().printf("revoked the credential of %s (%s)%n", revoked.getName(), revoked.getId());
        }
        out().flush();
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "credentials",
            description =
                    "Every credential the farm issued to nodes, gateways and consoles, live and revoked (never tokens).")
    int credentials(@Mixin ClientOptions client, @Mixin Output output) throws Exception {
        List<Credential> all = Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).credentials());
        Table table = Table.of("ROLE", "NAME", "ISSUED", "REVOKED", "ID");
        for (Credential credential : all) {
            table.row(
                    NodeText.roleName(credential.getRole()),
                    credential.getName(),
                    Output.time(credential.getCreatedAt()),
                    credential.hasRevokedAt() ? Output.time(credential.getRevokedAt()) : "-",
                    credential.getId());
        }
        output.print(
                out(),
                ListCredentialsResponse.newBuilder().addAllCredentials(all).build(),
                table);
        return ExitCodes.OK;
    }

    private int printIssued(Output output, IssuedCredential issued) {
        // The token alone on stdout (or the issued credential as JSON, token included), so a
        // script can capture it; the note goes to stderr.
        out().println(output.json() ? Output.json(issued) : issued.getToken());
        out().flush();
        spec.commandLine()
                .getErr()
                .printf(
                        "credential %s issued to %s; the token above is not shown again%n",
                        issued.getCredential().getId(), issued.getCredential().getName());
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One node: its state, work, and quarantine.")
    int show(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(paramLabel = "NODE", description = "The node's name or id.") String node)
            throws Exception {
        return print(output, Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).get(node)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "drain",
            description = "The node finishes the chunks it runs and takes no new ones.")
    int drain(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Mixin Confirm confirm,
            @Parameters(paramLabel = "NODE") String node,
            @Option(names = "--reason", defaultValue = "drained by an operator") String reason)
            throws Exception {
        confirm.check(spec.commandLine(), root.interactive(), "Drain node " + node + "?");
        return print(
                output, Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).drain(node, reason)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "disable",
            description = "The node takes no new chunks, and the ones it runs go back to pending (not failures).")
    int disable(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Mixin Confirm confirm,
            @Parameters(paramLabel = "NODE") String node,
            @Option(names = "--reason", defaultValue = "disabled by an operator") String reason)
            throws Exception {
        confirm.check(spec.commandLine(), root.interactive(), "Disable node " + node + " and stop the chunks it runs?");
        return print(
                output, Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).disable(node, reason)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "enable",
            description = "A drained or disabled node takes work again.")
    int enable(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "NODE") String node)
            throws Exception {
        return print(output, Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).enable(node)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "release",
            description = "Lifts a quarantine without waiting for a health-check render.")
    int release(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "NODE") String node)
            throws Exception {
        return print(output, Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).release(node)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "cache",
            description = "What the nodes' template caches hold, their hit ratio and bytes fetched.")
    int cache(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(paramLabel = "NODE", arity = "0..1", description = "One node; all when absent.") String node)
            throws Exception {
        NodeCacheResponse caches =
                Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).cache(node == null ? "" : node));
        Table table = Table.of("NODE", "TEMPLATE", "VERSION", "SIZE", "HITS", "LAST USED", "PACKAGE");
        for (NodeCache cache : caches.getNodesList()) {
            for (NodeCacheEntry entry : cache.getEntriesList()) {
                table.row(
                        cache.getNodeName(),
                        entry.getTemplateId().isEmpty() ? "?" : entry.getTemplateId(),
                        entry.getTemplateVersion() == 0 ? "?" : "v" + entry.getTemplateVersion(),
                        Output.bytes(entry.getSizeBytes()),
                        entry.getHits(),
                        Output.time(entry.getLastUsedAt()),
                        entry.getPackageSha256()
                                .substring(
                                        0, Math.min(12, entry.getPackageSha256().length())));
            }
        }
        if (output.json()) {
            output.print(out(), caches, table);
            return ExitCodes.OK;
        }
        table.print(out());
        for (NodeCache cache : caches.getNodesList()) {
            long lookups = cache.getHits() + cache.getMisses();
            out().printf(
                            "%s: %d hit(s), %d miss(es)%s, %s fetched, %s of %s used%n",
                            cache.getNodeName(),
                            cache.getHits(),
                            cache.getMisses(),
                            lookups == 0
                                    ? ""
                                    : String.format(Locale.ROOT, " (%.0f%% hits)", 100.0 * cache.getHits() / lookups),
                            Output.bytes(cache.getBytesFetched()),
                            Output.bytes(cache.getUsedBytes()),
                            Output.bytes(cache.getBudgetBytes()));
        }
        out().flush();
        return ExitCodes.OK;
    }

    private int print(Output output, Node node) {
        Table table = Table.of("FIELD", "VALUE")
                .row("name", node.getName())
                .row("id", node.getId())
                .row("state", state(node.getState()))
                .row("connected", node.getConnected() ? "yes (orchestrator " + node.getOrchestratorId() + ")" : "no")
                .row("hostname", node.getHostname())
                .row("version", node.getVersion())
                .row("engines", String.join(", ", node.getEnginesList()))
                .row(
                        "capabilities",
                        node.getCapabilitiesCount() == 0
                                ? "none (no 3D template is assigned to it)"
                                : String.join(", ", node.getCapabilitiesList()))
                .row("slots", node.getSlots())
                .row("running chunks", node.getRunningChunks())
                .row("last seen", Output.time(node.getLastSeenAt()));
        if (node.hasResources()) {
            table.row("resources", NodeText.resources(node.getResources()))
                    .row("resources at", Output.time(node.getResourcesAt()));
        }
        if (node.getState() == NodeState.NODE_STATE_QUARANTINED
                || !node.getQuarantineReason().isEmpty()) {
            table.row("quarantined", Output.time(node.getQuarantinedAt()))
                    .row("because", node.getQuarantineReason())
                    .row("health checks failed", node.getHealthChecksFailed())
                    .row("next health check", Output.time(node.getHealthCheckDueAt()));
        }
        output.print(out(), node, table);
        return ExitCodes.OK;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    static String state(NodeState state) {
        return Output.state(state, "NODE_STATE_");
    }

    /** Node states as typed on the command line. */
    enum State {
        online,
        draining,
        offline,
        disabled,
        quarantined;

        NodeState proto() {
            return NodeState.valueOf("NODE_STATE_" + name().toUpperCase(Locale.ROOT));
        }
    }
}
