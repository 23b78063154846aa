package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.tools.admin.Output;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One grammar for every command of the picocli tree (issue 16, "One CLI grammar"). */
class CliGrammarTest {
    /**
     * Commands that run a process or write files rather than print an answer: they take no
     * {@code -o}. Every other command prints an answer and must take {@code -o json}.
     */
    private static final Set<String> NO_ANSWER = Set.of(
            "flatrender",
            "flatrender orchestrator",
            "flatrender node",
            "flatrender gateway",
            "flatrender zarinpal",
            "flatrender dev",
            "flatrender demo",
            "flatrender watch",
            "flatrender jobs watch",
            "flatrender bench",
            "flatrender bench dispatch",
            "flatrender bench efficiency",
            "flatrender bench memory",
            "flatrender bench render",
            "flatrender bench-nodes",
            "flatrender generate-completion",
            "flatrender help",
            "flatrender templates",
            "flatrender jobs",
            "flatrender nodes",
            "flatrender chunks",
            "flatrender crashes",
            "flatrender repairs",
            "flatrender snapshots",
            "flatrender db",
            "flatrender certs",
            "flatrender certs init",
            "flatrender certs node");

    /** Every command in the tree by its full name, e.g. {@code flatrender jobs show}. */
    private static Map<String, CommandLine> commands() {
        CommandLine root = new CommandLine(new FlatRender(false));
        FlatRender.helpEverywhere(root);
        Map<String, CommandLine> all = new LinkedHashMap<>();
        walk(root, all);
        return all;
    }

    private static void walk(CommandLine command, Map<String, CommandLine> all) {
        all.putIfAbsent(command.getCommandSpec().qualifiedName(), command);
        command.getSubcommands().values().forEach(sub -> walk(sub, all));
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @DisplayName("--help exits 0 with the usage on every command in the tree (dev, orchestrator, node, templates …)")
    void everyCommandTakesHelp() {
        Map<String, CommandLine> commands = commands();
        assertThat(commands.keySet())
                .contains(
                        "flatrender dev",
                        "flatrender orchestrator",
                        "flatrender node",
                        "flatrender templates",
                        "flatrender templates list");
        List<String> failed = new ArrayList<>();
        for (String name : commands.keySet()) {
            if (name.endsWith(" help")) {
                // picocli's own help command: `help --help` is help about help.
                continue;
            }
            List<String> args = new ArrayList<>(List.of(name.split(" ")));
            args.remove(0);
            args.add("--help");
            Run run = run(args);
            if (run.exitCode() != 0 || !run.out().startsWith("Usage: " + name)) {
                failed.add(name + " → exit " + run.exitCode() + ": "
                        + run.err().lines().findFirst().orElse(""));
            }
        }
        assertThat(failed).isEmpty();
    }

    @Test
    @DisplayName("every command that prints an answer takes -o json, printed with the proto's field names")
    void everyCommandThatPrintsTakesOutputJson() {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, CommandLine> command : commands().entrySet()) {
            if (NO_ANSWER.contains(command.getKey()) || command.getKey().endsWith(" help")) {
                continue;
            }
            OptionSpec option = command.getValue().getCommandSpec().findOption("-o");
            // The one Output mixin prints proto3 JSON with the .proto field names.
            if (option == null || option.type() != Output.Format.class) {
                missing.add(command.getKey());
            }
        }
        assertThat(missing).as("commands without the shared -o table|json").isEmpty();
        // The shared printer keeps the .proto names (duration_frames, not durationFrames).
        assertThat(Output.json(ir.flatrender.proto.farm.v1.Template.newBuilder()
                        .setDurationFrames(60)
                        .build()))
                .contains("\"duration_frames\": 60")
                .doesNotContain("durationFrames");
    }
}
