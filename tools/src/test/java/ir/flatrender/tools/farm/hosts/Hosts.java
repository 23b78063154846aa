package ir.flatrender.tools.farm.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small network of hosts on this machine: each host a Linux network namespace with one
 * interface ({@code e0}, an address on {@value #SUBNET}.0/24) whose veth peer is a port of a
 * bridge in a namespace of its own (the switch); the test's own namespace is on the switch too
 * ({@value #SUBNET}.1), so it reaches every host as a client on the network would. Processes
 * run in a host with {@code ip netns exec}; a host's cable is cut and plugged back by setting
 * its switch port down and up. Closing stops every process it started and removes the
 * namespaces and links, and so does a JVM shutdown hook; leftovers of a run that died are
 * removed before a new one starts (one run at a time on a machine). Needs root and iproute2.
 */
public final class Hosts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hosts.class);
    private static final String PREFIX = "frmh";
    private static final String SUBNET = "10.213.0";
    private static final String SWITCH = PREFIX + "-sw";
    private static final String ROOT_LINK = PREFIX + "-root";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::tearDown, "hosts-teardown");
    private boolean closed;

    private Hosts() {}

    /**
     * Whether this machine lets a test build hosts: iproute2's {@code ip} and the right to make a
     * network namespace (root with CAP_SYS_ADMIN and CAP_NET_ADMIN), tried on a throwaway one.
     */
    public static boolean available() {
        String probe = PREFIX + "-probe";
        try {
            if (run(List.of("ip", "-V")).exit() != 0) {
                return false;
            }
            boolean made = run(List.of("ip", "netns", "add", probe)).exit() == 0;
            if (made) {
                run(List.of("ip", "netns", "del", probe));
            }
            return made;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds the switch and the named hosts ({@value #SUBNET}.2 onwards, in order). */
    public static Hosts create(List<String> names) throws IOException, InterruptedException {
        removeLeftovers();
        Hosts hosts = new Hosts();
        Runtime.getRuntime().addShutdownHook(hosts.hook);
        try {
            hosts.build(names);
        } catch (IOException | RuntimeException | InterruptedException e) {
            hosts.close();
            throw e;
        }
        return hosts;
    }

    private void build(List<String> names) throws IOException, InterruptedException {
        ip("netns", "add", SWITCH);
        ip("-n", SWITCH, "link", "add", "br0", "type", "bridge");
        ip("-n", SWITCH, "link", "set", "dev", "br0", "up");
        ip("link", "add", ROOT_LINK, "type", "veth", "peer", "name", "p-root", "netns", SWITCH);
        plug("p-root");
        ip("addr", "add", SUBNET + ".1/24", "dev", ROOT_LINK);
        ip("link", "set", "dev", ROOT_LINK, "up");
        int octet = 2;
        for (String name : names) {
            String namespace = namespace(name);
            ip("netns", "add", namespace);
            hosts.put(name, octet);
            ip("link", "add", "e0", "netns", namespace, "type", "veth", "peer", "name", port(name), "netns", SWITCH);
            plug(port(name));
            ip("-n", namespace, "addr", "add", SUBNET + "." + octet + "/24", "dev", "e0");
            ip("-n", namespace, "link", "set", "dev", "e0", "up");
            ip("-n", namespace, "link", "set", "dev", "lo", "up");
            octet++;
        }
    }

    private static void plug(String port) throws IOException, InterruptedException {
        ip("-n", SWITCH, "link", "set", "dev", port, "master", "br0");
        ip("-n", SWITCH, "link", "set", "dev", port, "up");
    }

    private static String namespace(String host) {
        return PREFIX + "-" + host;
    }

    private static String port(String host) {
        return "p-" + host;
    }

    private int octet(String host) {
        Integer octet = hosts.get(host);
        if (octet == null) {
            throw new IllegalArgumentException("no host " + host + "; there are " + hosts.keySet());
        }
        return octet;
    }

    /** The host's address on the network. */
    public String address(String host) {
        return SUBNET + "." + octet(host);
    }

    /** The network, as a CIDR. */
    public String network() {
        return SUBNET + ".0/24";
    }

    /**
     * Starts {@code command} in the host, its output into {@code log}; it is stopped when this
     * closes, and killed when this JVM dies. Its standard input stays a pipe from this JVM. Start
     * processes from one thread that outlives them (the test's): the parent-death signal follows
     * the thread that started the process.
     */
    public Process start(String host, List<String> command, Map<String, String> environment, Path log)
            throws IOException {
        octet(host);
        if (closed) {
            throw new IllegalStateException("the hosts are gone");
        }
        // Killed with this JVM, even by SIGKILL: the parent-death signal survives ip netns exec's
        // and setpriv's exec into the command.
        List<String> inHost = new ArrayList<>(
                List.of("ip", "netns", "exec", namespace(host), "setpriv", "--pdeathsig", "KILL", "--"));
        inHost.addAll(command);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(inHost).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Cuts the host's cable: its switch port goes down, so nothing reaches it nor leaves it. */
    public void cut(String host) throws IOException, InterruptedException {
        octet(host);
        ip("-n", SWITCH, "link", "set", "dev", port(host), "down");
    }

    /** Plugs the host's cable back. */
    public void restore(String host) throws IOException, InterruptedException {
        octet(host);
        ip("-n", SWITCH, "link", "set", "dev", port(host), "up");
    }

    /** What the host's interface has received and sent so far, in bytes: {rx, tx}. */
    public long[] bytes(String host) throws IOException, InterruptedException {
        Result result = run(List.of("ip", "-j", "-s", "-n", namespace(host), "link", "show", "dev", "e0"));
        if (result.exit() != 0) {
            throw new IOException("ip link show in " + host + ": " + result.output());
        }
        JsonNode stats = JSON.readTree(result.output()).path(0).path("stats64");
        return new long[] {
            stats.path("rx").path("bytes").asLong(),
            stats.path("tx").path("bytes").asLong()
        };
    }

    /** Waits until something accepts connections on {@code address:port}, or {@code process} ends. */
    public static void awaitListening(String address, int port, Process process, Path log, long timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("it ended with " + process.exitValue() + " before listening on " + address + ":"
                        + port + "; see " + log + ":\n" + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listened on " + address + ":" + port + " within " + timeoutSeconds
                            + " s; see " + log + ":\n" + tail(log));
                }
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Waits until {@code log} has a line containing {@code text}, or {@code process} ends. */
    public static void awaitLine(Path log, String text, Process process, long timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            if (!process.isAlive()) {
                throw new IOException("it ended with " + process.exitValue() + " before saying \"" + text + "\"; see "
                        + log + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "no \"" + text + "\" within " + timeoutSeconds + " s; see " + log + ":\n" + tail(log));
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        tearDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or ran, teardown itself
        }
    }

    private synchronized void tearDown() {
        if (closed) {
            return;
        }
        closed = true;
        // An interrupted test still cleans up; the interrupt is kept for its caller.
        boolean interrupted = Thread.interrupted();
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                interrupted = true;
            }
        }
        try {
            removeLeftovers();
        } catch (IOException | RuntimeException e) {
            log.warn("could not remove the hosts' namespaces: {}", e.toString());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills what still runs in this class's namespaces and deletes them and the test's link. */
    private static void removeLeftovers() throws IOException, InterruptedException {
        Result list = run(List.of("ip", "netns", "list"));
        for (String line : list.output().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.startsWith(PREFIX + "-") || name.equals(PREFIX + "-probe")) {
                continue;
            }
            Result pids = run(List.of("ip", "netns", "pids", name));
            if (pids.exit() == 0) {
                for (String pid : pids.output().split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            Result deleted = run(List.of("ip", "netns", "del", name));
            if (deleted.exit() != 0) {
                log.warn("could not delete network namespace {}: {}", name, deleted.output());
            }
        }
        run(List.of("ip", "link", "del", ROOT_LINK)); // absent is fine
    }

    private static void ip(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        Result result = run(command);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + result.exit() + "): " + result.output());
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end within 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
