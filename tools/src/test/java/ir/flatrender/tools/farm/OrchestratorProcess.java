package ir.flatrender.tools.farm;

import static java.util.Objects.requireNonNull;

import ir.flatrender.migrations.DatabaseConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code flatrender orchestrator} in a JVM of its own, on a fixed port and data folder, so a
 * test can kill it with SIGKILL and start it again where it was. Its log goes to a file in the
 * data folder.
 */
final class OrchestratorProcess implements AutoCloseable {
    private final DatabaseConfig database;
    private final Path dataDirectory;
    private final String token;
    private final int port;
    private final List<String> extraArguments;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private final String mainClass;
    private final List<String> subcommand;
    private Process process;
    private int starts;

    OrchestratorProcess(DatabaseConfig database, Path dataDirectory, String token, List<String> extraArguments)
            throws IOException {
        this(database, dataDirectory, token, extraArguments, "ir.flatrender.tools.FlatRender", List.of("orchestrator"));
    }

    private OrchestratorProcess(
            DatabaseConfig database,
            Path dataDirectory,
            String token,
            List<String> extraArguments,
            String mainClass,
            List<String> subcommand)
            throws IOException {
        this.mainClass = requireNonNull(mainClass, "mainClass is null");
        this.subcommand = List.copyOf(subcommand);
        this.database = requireNonNull(database, "database is null");
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
        this.token = requireNonNull(token, "token is null");
        this.extraArguments = List.copyOf(extraArguments);
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    /**
     * One that schedules only, as the dispatch benchmark's does ({@link SchedulingOnlyOrchestrator}):
     * segments taken by size and sha256 alone, no job assembled.
     */
    static OrchestratorProcess schedulingOnly(
            DatabaseConfig database, Path dataDirectory, String token, List<String> extraArguments) throws IOException {
        return new OrchestratorProcess(
                database, dataDirectory, token, extraArguments, SchedulingOnlyOrchestrator.class.getName(), List.of());
    }

    /** Sets a variable of its environment for its next starts (an object store's keys). */
    void environment(String name, String value) {
        environment.put(name, value);
    }

    /** A client's channel to it, with the farm token; the caller shuts it down. */
    io.grpc.ManagedChannel connect() {
        return ir.flatrender.tools.options.ClientOptions.channel(target(), token, java.util.Optional.empty());
    }

    String target() {
        return "127.0.0.1:" + port;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    Path log() {
        // By port too: orchestrators sharing a data directory keep their own logs.
        return dataDirectory.resolve("orchestrator-" + port + "-" + starts + ".log");
    }

    /** Starts it and waits until it takes connections (it migrates the database first). */
    void start() throws IOException {
        Files.createDirectories(dataDirectory);
        starts++;
        List<String> arguments = new ArrayList<>(subcommand);
        arguments.addAll(List.of(
                "--listen",
                target(),
                "--data-dir",
                dataDirectory.toString(),
                "--db-url",
                database.jdbcUrl(),
                "--no-samples",
                "--metrics-listen",
                "127.0.0.1:0"));
        List<String> command = new ArrayList<>(ChildJvm.java("512m", mainClass, arguments));
        if (!database.user().isEmpty()) {
            command.addAll(List.of("--db-user", database.user()));
        }
        command.addAll(extraArguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
        builder.environment().put("FLATRENDER_FARM_TOKEN", token);
        builder.environment().putAll(environment);
        if (!database.password().isEmpty()) {
            builder.environment().put("PGPASSWORD", database.password());
        }
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the orchestrator exited at start; see " + log() + ":\n" + Files.readString(log()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the orchestrator did not open its port; see " + log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The port of its metrics endpoint, from what it printed at start. */
    int metricsPort() throws IOException {
        java.util.regex.Matcher found =
                java.util.regex.Pattern.compile("metrics on port (\\d+)").matcher(Files.readString(log()));
        if (!found.find()) {
            throw new IllegalStateException("the orchestrator did not say where its metrics are; see " + log());
        }
        return Integer.parseInt(found.group(1));
    }

    /** SIGKILL: no shutdown hook, nothing written, streams cut. */
    void kill() throws InterruptedException {
        ChildJvm.kill(process, "the orchestrator");
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
