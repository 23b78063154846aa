package ir.flatrender.tools.farm.testing;

/** A {@code flatrender} command run in the test's JVM: its exit code and what it printed. */
public record CommandRun(int exitCode, String out, String err) {}
