package ir.flatrender.tools.farm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code flatrender} command in a JVM of its own, on the tests' class path; and stopping it. */
public final class ChildJvm {
    private ChildJvm() {}

    public static List<String> flatrender(String heap, List<String> arguments) {
        return java(heap, "ir.flatrender.tools.FlatRender", arguments);
    }

    /** Any main class on the tests' class path (test classes included) in a JVM of its own. */
    public static List<String> java(String heap, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true",
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(arguments);
        return command;
    }

    /** SIGKILL: no shutdown hook, nothing written, streams cut. */
    public static void kill(Process process, String what) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not die");
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    public static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
