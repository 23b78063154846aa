package ir.flatrender.tools.certs;

import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.certs.FarmCertificates.Purpose;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatrender certs}: the farm's own CA and the certificates it signs (issue 23). */
@Command(
        mixinStandardHelpOptions = true,
        name = "certs",
        description = "Make the farm's certificate authority and the certificates it signs for mutual TLS.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {
            "",
            "Examples:",
            "  flatrender certs init --dir /etc/flatrender/certs --orchestrator-name farm.example --gateway-name gw.example",
            "  flatrender certs node --dir /etc/flatrender/certs --name render-07",
            "",
            "Files in --dir: ca.pem, ca-key.pem; orchestrator.pem, orchestrator-key.pem; gateway.pem,",
            "gateway-key.pem; nodes/NAME.pem, nodes/NAME-key.pem. Key files are readable by their owner only."
        })
public final class CertsCommand {
    public static final String CA = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String ORCHESTRATOR = "orchestrator.pem";
    public static final String ORCHESTRATOR_KEY = "orchestrator-key.pem";
    public static final String GATEWAY = "gateway.pem";
    public static final String GATEWAY_KEY = "gateway-key.pem";
    public static final String NODES = "nodes";
    /** How long a node's certificate is valid unless --days says (the CA/Browser Forum's old limit). */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(825);

    /** The names a node's --name may take: what becomes the certificate's CN. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+");

    @Spec
    CommandSpec spec;

    @Command(
            mixinStandardHelpOptions = true,
            name = "init",
            description = {
                "Makes the farm's CA (ca.pem, ca-key.pem) and signs the orchestrator's certificate (a server",
                "certificate for the names given) and the gateway's (a server certificate that is also its client",
                "certificate toward the orchestrator). Refuses to replace an existing CA without --force."
            })
    int init(
            @Option(names = "--dir", required = true, description = "The directory to write into.") Path dir,
            @Option(
                            names = "--orchestrator-name",
                            split = ",",
                            description = "A DNS name or IP address the orchestrator is reached at (repeatable;"
                                    + " default: localhost and 127.0.0.1).")
                    List<String> orchestratorNames,
            @Option(
                            names = "--gateway-name",
                            split = ",",
                            description = "A DNS name or IP address of the gateway (repeatable; default: localhost"
                                    + " and 127.0.0.1).")
                    List<String> gatewayNames,
            @Option(
                            names = "--days",
                            defaultValue = "825",
                            description = "How many days the orchestrator's and gateway's certificates are valid"
                                    + " (default: ${DEFAULT-VALUE}); the CA is valid ten times as long.")
                    int days,
            @Option(
                            names = "--force",
                            description = "Replace an existing CA (every certificate it signed stops"
                                    + " being trusted once the farm uses the new one).")
                    boolean force)
            throws IOException, GeneralSecurityException {
        Duration validity = validity(days);
        List<String> orchestrator = names("--orchestrator-name", orchestratorNames);
        List<String> gateway = names("--gateway-name", gatewayNames);
        if (!force && (Files.exists(dir.resolve(CA)) || Files.exists(dir.resolve(CA_KEY)))) {
            throw new IllegalArgumentException(
                    "--dir " + dir + " already holds a CA (" + CA + "); pass --force to replace it");
        }
        FarmCertificates authority = FarmCertificates.newAuthority(validity.multipliedBy(10));
        authority.write(dir.resolve(CA), dir.resolve(CA_KEY));
        FarmCertificates.writeIssued(
                authority.issue("orchestrator", orchestrator, Purpose.SERVER, validity),
                dir.resolve(ORCHESTRATOR),
                dir.resolve(ORCHESTRATOR_KEY));
        FarmCertificates.writeIssued(
                authority.issue("gateway", gateway, Purpose.SERVER_AND_CLIENT, validity),
                dir.resolve(GATEWAY),
                dir.resolve(GATEWAY_KEY));
        PrintWriter out = spec.commandLine().getOut();
        out.println("CA:           " + dir.resolve(CA) + " (key " + dir.resolve(CA_KEY) + ", keep it off the farm)");
        out.println("orchestrator: " + dir.resolve(ORCHESTRATOR) + " for " + String.join(", ", orchestrator));
        out.println("gateway:      " + dir.resolve(GATEWAY) + " for " + String.join(", ", gateway));
        out.println("Nodes: flatrender certs node --dir " + dir + " --name NODE");
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "node",
            description = {
                "Signs a node's own client certificate (CN = the node's name) with the farm's CA, into",
                "nodes/NAME.pem and nodes/NAME-key.pem; replaces one there (a renewal)."
            })
    int node(
            @Option(names = "--dir", required = true, description = "The directory `certs init` wrote.") Path dir,
            @Option(names = "--name", required = true, description = "The node's name (its --name).") String name,
            @Option(
                            names = "--days",
                            defaultValue = "825",
                            description = "How many days it is valid (default: ${DEFAULT-VALUE}).")
                    int days)
            throws IOException, GeneralSecurityException {
        Path[] written = issueNode(dir, name, validity(days));
        spec.commandLine().getOut().println("node " + name + ": " + written[0] + " (key " + written[1] + ")");
        return ExitCodes.OK;
    }

    /**
     * Signs node {@code name}'s certificate with the CA in {@code dir}; answers the certificate's
     * and the key's files.
     */
    public static Path[] issueNode(Path dir, String name, Duration validity)
            throws IOException, GeneralSecurityException {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("--name must be a node's name (letters, digits, '.', '_', '-';"
                    + " at most 63), not '" + name + "'");
        }
        FarmCertificates authority = authority(dir);
        Path certificate = dir.resolve(NODES).resolve(name + ".pem");
        Path key = dir.resolve(NODES).resolve(name + "-key.pem");
        FarmCertificates.writeIssued(authority.issue(name, List.of(), Purpose.CLIENT, validity), certificate, key);
        return new Path[] {certificate, key};
    }

    /** The CA kept in {@code dir}, with an error that says how to make one. */
    static FarmCertificates authority(Path dir) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(dir.resolve(CA)) || !Files.isRegularFile(dir.resolve(CA_KEY))) {
            throw new IllegalArgumentException("--dir " + dir + " holds no CA (" + CA + " and " + CA_KEY
                    + "); make one with flatrender certs init --dir " + dir);
        }
        return FarmCertificates.load(dir.resolve(CA), dir.resolve(CA_KEY));
    }

    static Duration validity(int days) {
        if (days < 1 || days > 36500) {
            throw new IllegalArgumentException("--days must be between 1 and 36500, not " + days);
        }
        return Duration.ofDays(days);
    }

    private static List<String> names(String option, List<String> given) {
        if (given == null || given.isEmpty()) {
            return List.of("localhost", "127.0.0.1");
        }
        for (String name : given) {
            if (name.isBlank() || !HOST_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(option + " must be a DNS name or an IP address, not '" + name + "'");
            }
        }
        return List.copyOf(given);
    }
}
