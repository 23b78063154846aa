package ir.flatrender.tools.farm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code flatrender node} in a JVM of its own, so that a test can kill it with SIGKILL: no
 * shutdown hook runs, its streams are cut, and the orchestrator sees the connection drop.
 */
final class NodeProcess implements AutoCloseable {
    private final String target;
    private final String token;
    private final String name;
    private final Path directory;
    private final List<String> extraArguments;
    private Process process;
    private int starts;

    NodeProcess(String target, String token, String name, Path directory, List<String> extraArguments) {
        this.target = requireNonNull(target, "target is null");
        this.token = requireNonNull(token, "token is null");
        this.name = requireNonNull(name, "name is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.extraArguments = List.copyOf(extraArguments);
    }

    Path log() {
        return directory.resolve("node-" + name + "-" + starts + ".log");
    }

    /** Starts it; it connects on its own (the test waits for the orchestrator to see it). */
    void start() throws IOException {
        Files.createDirectories(directory);
        starts++;
        List<String> command = new ArrayList<>(ChildJvm.flatrender(
                "384m",
                List.of(
                        "node",
                        "--orchestrator",
                        target,
                        "--name",
                        name,
                        "--work-dir",
                        directory.resolve(name).toString(),
                        "--metrics-listen",
                        "127.0.0.1:0")));
        command.addAll(extraArguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
        builder.environment().put("FLATRENDER_FARM_TOKEN", token);
        process = builder.start();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        ChildJvm.kill(process, "node " + name);
    }

    /** SIGTERM: the node shuts down as an operator's stop would (its shutdown hook runs). */
    void stop() throws InterruptedException {
        ChildJvm.stop(process);
    }

    @Override
    public void close() {
        try {
            ChildJvm.stop(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
