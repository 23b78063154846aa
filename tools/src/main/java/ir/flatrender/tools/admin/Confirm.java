package ir.flatrender.tools.admin;

import ir.flatrender.tools.ExitCodes;
import java.io.Console;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --yes}: destructive commands ask first, at a terminal; elsewhere they need it. */
public final class Confirm {
    @Option(
            names = {"-y", "--yes"},
            description = "Do it without asking.")
    boolean yes;

    /**
     * Asks the person at the terminal; without a terminal and without {@code --yes}, refuses.
     *
     * @throws Declined when the answer is not yes
     */
    public void check(CommandLine command, boolean interactive, String question) {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (!interactive || console == null) {
            throw new CommandLine.ParameterException(
                    command, question + " Not at a terminal: pass --yes to do it without asking.");
        }
        String answer = console.readLine("%s [y/N] ", question);
        if (answer == null
                || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            throw new Declined();
        }
    }

    /** The person said no. */
    public static final class Declined extends RuntimeException {
        Declined() {
            super("not confirmed; nothing done");
        }

        public int exitCode() {
            return ExitCodes.DECLINED;
        }
    }
}
