package ir.flatrender.tools.web;

import static java.util.Objects.requireNonNull;

import ir.flatrender.tools.FarmTokens;
import ir.flatrender.tools.farm.ChildJvm;
import ir.flatrender.tools.farm.testing.TestingRemotion;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flatrender dev} in a JVM of its own, as a person starts it (issue 20): the embedded
 * database, an orchestrator, two Remotion nodes, the gateway and the ZarinPal emulator, each on a
 * free port, its state in a data folder of its own, the pack not seeded (the test seeds what it
 * needs). Its output goes to a log file, named in every failure.
 */
final class DevFarm implements AutoCloseable {
    /** What {@code dev} prints once its nodes are online, e.g. {@code gateway: http://127.0.0.1:7700 (…)}. */
    private static final Pattern GATEWAY_LINE = Pattern.compile("(?m)^\\s*gateway:\\s+(http://\\S+)");

    /** What it prints about payments, e.g. {@code payments: broker on the gateway, ZarinPal http://… (emulator)}. */
    private static final Pattern ZARINPAL_LINE =
            Pattern.compile("(?m)^\\s*payments:.*ZarinPal (http://\\S+) \\(emulator\\)");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path dataDirectory;
    private final Path log;
    private final int orchestratorPort;
    private final int gatewayPort;
    private final int zarinPalPort;
    private Process process;
    private String gatewayUrl;
    private String zarinPalUrl;

    private DevFarm(Path dataDirectory, Path log) throws IOException {
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
        this.log = requireNonNull(log, "log is null");
        this.orchestratorPort = freePort();
        this.gatewayPort = freePort();
        this.zarinPalPort = freePort();
    }

    /** Starts {@code dev} and waits until it has printed its gateway and the gateway answers /healthz. */
    static DevFarm start(Path dataDirectory, Path log) throws IOException, InterruptedException {
        DevFarm farm = new DevFarm(dataDirectory, log);
        try {
            farm.run();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            farm.close();
            throw e;
        }
        return farm;
    }

    private void run() throws IOException, InterruptedException {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(log.getParent());
        List<String> command = ChildJvm.flatrender(
                "1g",
                List.of(
                        "dev",
                        "--data-dir",
                        dataDirectory.toString(),
                        // Two: the console's tests watch chunks move between nodes and drain one.
                        "--nodes",
                        "2",
                        "--no-seed",
                        "--listen",
                        "127.0.0.1:" + orchestratorPort,
                        "--gateway-listen",
                        "127.0.0.1:" + gatewayPort,
                        "--zarinpal-listen",
                        "127.0.0.1:" + zarinPalPort,
                        // 0: the embedded PostgreSQL picks a free port itself.
                        "--embedded-db-port",
                        "0",
                        "--remotion-runner",
                        TestingRemotion.RUNNER.toString(),
                        "--chromium",
                        TestingRemotion.CHROMIUM.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        // The farm of this test only: no external database, no operator's token or settings.
        environment.keySet().removeIf(name -> name.startsWith("FLATRENDER_"));
        process = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (gatewayUrl == null) {
            Matcher printed = GATEWAY_LINE.matcher(output());
            if (printed.find()) {
                gatewayUrl = printed.group(1);
            } else if (!process.isAlive()) {
                throw new IllegalStateException("flatrender dev exited (" + process.exitValue()
                        + ") before it printed its gateway; see " + log + ":\n" + output());
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "flatrender dev printed no gateway in " + START_TIMEOUT + "; see " + log + ":\n" + output());
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
        }
        Matcher payments = ZARINPAL_LINE.matcher(output());
        zarinPalUrl = payments.find() ? payments.group(1) : "http://127.0.0.1:" + zarinPalPort;
        awaitHealthy(deadline);
    }

    private void awaitHealthy(long deadline) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest healthz = HttpRequest.newBuilder(URI.create(gatewayUrl + "/healthz"))
                .timeout(Duration.ofSeconds(10))
                .build();
        String last = "";
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> answer = client.send(healthz, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException(
                "the dev farm's gateway " + gatewayUrl + " never answered /healthz (" + last + "); see " + log);
    }

    /** What the gateway answers to a GET of {@code path}, as {@code 200 text/html} or the failure. */
    String probe(String path) {
        try {
            HttpResponse<Void> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() + " "
                    + answer.headers().firstValue("Content-Type").orElse("(no Content-Type)");
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** What {@code dev} printed so far. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The gateway as {@code dev} printed it, e.g. {@code http://127.0.0.1:41234}. */
    String gatewayUrl() {
        return gatewayUrl;
    }

    /** The orchestrator's {@code host:port}. */
    String orchestrator() {
        return "127.0.0.1:" + orchestratorPort;
    }

    /** The ZarinPal emulator {@code dev} runs for the gateway's payment broker. */
    String zarinPalUrl() {
        return zarinPalUrl;
    }

    /** The operators' token {@code dev} wrote into its data folder. */
    String farmToken() throws IOException {
        return Files.readString(dataDirectory.resolve(FarmTokens.FILE), StandardCharsets.UTF_8)
                .trim();
    }

    Path log() {
        return log;
    }

    /** The dev farm's JVM: its engine processes are its descendants. */
    ProcessHandle process() {
        return process.toHandle();
    }

    /** The farm administrator {@code dev} made: its email and password. */
    String[] administrator() throws IOException {
        return new String[] {
            ir.flatrender.tools.processes.DevCommand.DEV_ADMIN,
            Files.readString(
                            dataDirectory.resolve(ir.flatrender.tools.GatewayKeys.ADMIN_PASSWORD_FILE),
                            StandardCharsets.UTF_8)
                    .trim()
        };
    }

    /** SIGTERM (dev stops its gateway, nodes, orchestrator and database), SIGKILL after 20 s. */
    @Override
    public void close() {
        try {
            ChildJvm.stop(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
