package ir.flatrender.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.tools.admin.DbCommand;
import ir.flatrender.tools.admin.FarmCommands;
import ir.flatrender.tools.admin.NodesCommand;
import ir.flatrender.tools.bench.BenchCommand;
import ir.flatrender.tools.bench.BenchNodesCommand;
import ir.flatrender.tools.jobs.JobsCommand;
import ir.flatrender.tools.jobs.SnapshotCommand;
import ir.flatrender.tools.jobs.SubmitCommand;
import ir.flatrender.tools.jobs.WatchCommand;
import ir.flatrender.tools.processes.DemoCommand;
import ir.flatrender.tools.processes.DevCommand;
import ir.flatrender.tools.processes.NodeCommand;
import ir.flatrender.tools.processes.OrchestratorCommand;
import ir.flatrender.tools.templates.TemplatesCommand;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code flatrender} command. */
@Command(
        name = "flatrender",
        mixinStandardHelpOptions = true,
        versionProvider = FlatRender.Version.class,
        description = "FlatRender farm: a gRPC render farm for template videos.",
        subcommands = {
            OrchestratorCommand.class,
            NodeCommand.class,
            ir.flatrender.tools.processes.GatewayCommand.class,
            ir.flatrender.tools.zarinpal.ZarinPalCommand.class,
            DevCommand.class,
            DemoCommand.class,
            ir.flatrender.tools.certs.CertsCommand.class,
            SubmitCommand.class,
            WatchCommand.class,
            SnapshotCommand.class,
            TemplatesCommand.class,
            JobsCommand.class,
            NodesCommand.class,
            FarmCommands.ChunksCommand.class,
            FarmCommands.CrashesCommand.class,
            FarmCommands.RepairsCommand.class,
            FarmCommands.SnapshotsCommand.class,
            DbCommand.class,
            BenchCommand.class,
            BenchNodesCommand.class,
            ir.flatrender.tools.conformance.NodeConformanceCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 job failed or cancelled, 2 usage error, 3 not found, 4 orchestrator",
            "unreachable, 5 token refused, 6 request rejected (invalid, or not in a state for it),",
            "7 not confirmed, 10 other errors.",
            "",
            "Shell completion: source <(flatrender generate-completion)"
        })
public final class FlatRender implements Runnable {
    private final boolean interactive;
    private final ObjectMapper json;
    private boolean verbose;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(
            names = "--log-format",
            scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:FLATRENDER_LOG_FORMAT:-text}",
            description = "Logs as text lines, or as JSON objects for log shippers (env FLATRENDER_LOG_FORMAT;"
                    + " default: ${DEFAULT-VALUE}).")
    void logFormat(String format) {
        Logging.setFormat(format);
    }

    @CommandLine.Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Show the INFO lines of the libraries too (Jetty, Javalin, gRPC, …); by default only their"
                    + " warnings.")
    void verbose(boolean verbose) {
        this.verbose = verbose;
        Logging.setVerbose(verbose);
    }

    /** Whether {@code --verbose} was given. */
    public boolean verbose() {
        return verbose;
    }

    public FlatRender(boolean interactive) {
        this.interactive = interactive;
        this.json = new ObjectMapper();
    }

    /** Whether output goes to a person at a terminal (progress bars) or to a pipe (plain lines). */
    public boolean interactive() {
        return interactive;
    }

    public ObjectMapper json() {
        return json;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, System.console() != null, args));
    }

    /** Runs a command with the given streams; tests call this. */
    public static int run(PrintWriter out, PrintWriter err, boolean interactive, String... args) {
        Logging.bridgeJavaUtilLogging();
        CommandLine commandLine = new CommandLine(new FlatRender(interactive));
        helpEverywhere(commandLine);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((error, command, parseResult) -> {
            command.getErr().println("error: " + ExitCodes.message(error));
            command.getErr().flush();
            return ExitCodes.of(error);
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Gives every command in the tree {@code -h/--help} (and {@code -V/--version}), so that
     * {@code flatrender CMD --help} works wherever {@code flatrender help CMD} does, including
     * commands added later without the annotation.
     */
    static void helpEverywhere(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        if (spec.options().stream().noneMatch(CommandLine.Model.OptionSpec::usageHelp)
                && spec.findOption("--version") == null) {
            spec.mixinStandardHelpOptions(true);
        }
        command.getSubcommands().values().forEach(FlatRender::helpEverywhere);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FlatRender.class.getPackage().getImplementationVersion();
            return new String[] {"flatrender " + (version == null ? "dev" : version)};
        }
    }
}
