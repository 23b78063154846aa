package ir.flatrender.orchestrator.testing;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.S3Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy (its file-system backend) in a process of its
 * own, on a free loopback port, with its own credentials; the build puts its jar where the
 * {@code flatrender.s3proxy.jar} system property says. {@link #command} gives the command line
 * for a server started elsewhere (another network namespace).
 */
public final class TestingS3 implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);

    private final Process process;
    private final URI endpoint;
    private final String identity;
    private final String credential;
    private final Path log;

    private TestingS3(Process process, URI endpoint, String identity, String credential, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.identity = identity;
        this.credential = credential;
        this.log = log;
    }

    /** The S3Proxy jar the build fetched. */
    public static Path jar() {
        String property = System.getProperty("flatrender.s3proxy.jar");
        Path jar = property != null ? Path.of(property) : Path.of("target", "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy jar at " + jar.toAbsolutePath()
                    + " (the build's maven-dependency-plugin execution s3proxy puts it there)");
        }
        return jar;
    }

    /**
     * Writes S3Proxy's properties into {@code directory} (its objects under {@code
     * directory/objects}) and answers the command that serves them on {@code host:port}.
     */
    public static List<String> command(Path directory, String host, int port, String identity, String credential)
            throws IOException {
        Path objects = Files.createDirectories(directory.resolve("objects"));
        Path properties = directory.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://" + host + ":" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + identity,
                        "s3proxy.credential=" + credential,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + objects.toAbsolutePath(),
                        ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java, "-Xmx256m", "-jar", jar().toAbsolutePath().toString(), "--properties", properties.toString()));
        return command;
    }

    /** Starts a server on a free loopback port and waits until it answers. */
    public static TestingS3 start(Path directory) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String identity = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String credential = UUID.randomUUID().toString();
        Path log = directory.resolve("s3proxy.log");
        Process process = new ProcessBuilder(command(directory, "127.0.0.1", port, identity, credential))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TestingS3 server = new TestingS3(process, URI.create("http://127.0.0.1:" + port), identity, credential, log);
        try {
            awaitListening("127.0.0.1", port, process, log);
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Waits until something accepts connections on the port, or the process ends. */
    public static void awaitListening(String host, int port, Process process, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy ended with " + process.exitValue() + ": " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "S3Proxy did not listen on " + host + ":" + port + " within " + START + ": " + tail(log));
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return identity;
    }

    public String secretKey() {
        return credential;
    }

    /** Settings for a store in {@code bucket}, with this server's credentials and the least part size. */
    public S3Settings settings(String bucket, String prefix) {
        return new S3Settings(
                endpoint,
                "us-east-1",
                bucket,
                prefix,
                Optional.of(identity),
                Optional.of(credential),
                DataSize.ofMebibytes(5),
                Optional.empty());
    }

    /**
     * Waits (20 s at most) until the store has no blob under the key: one deleted just after
     * the event a test waited for (the assembly's clean-up after its job succeeded). Answers
     * whether it went.
     */
    public static boolean awaitGone(BlobStore store, String key) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (store.size(key).isPresent()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }

    /**
     * Checks a succeeded job's blobs in the store: its exports there, each of the size recorded;
     * its accepted segments (there until the export was written) gone, deleted by the assembly's
     * clean-up. Answers how many segments and exports the job recorded.
     */
    public static int[] assertJobBlobs(org.jdbi.v3.core.Jdbi jdbi, BlobStore bucket, String jobId) throws IOException {
        List<java.util.Map<String, Object>> blobs = jdbi.withHandle(h -> h.createQuery("""
                        SELECT 'segment' AS kind, s.blob_key AS key, s.size_bytes AS size FROM render.segments s
                        JOIN render.frame_jobs f ON f.id = s.chunk_id WHERE f.job_id = :job
                        UNION ALL
                        SELECT 'export', e.blob_key, e.size_bytes FROM render.exports e WHERE e.job_id = :job
                        """)
                .bind("job", java.util.UUID.fromString(jobId))
                .mapToMap()
                .list());
        int[] counts = new int[2];
        for (java.util.Map<String, Object> blob : blobs) {
            String key = (String) blob.get("key");
            if (blob.get("kind").equals("export")) {
                counts[1]++;
                org.assertj.core.api.Assertions.assertThat(bucket.size(key))
                        .as(key)
                        .contains(((Number) blob.get("size")).longValue());
            } else {
                counts[0]++;
                org.assertj.core.api.Assertions.assertThat(awaitGone(bucket, key))
                        .as("%s, deleted after the assembly", key)
                        .isTrue();
            }
        }
        return counts;
    }

    /** What the server printed, for a failing test's message. */
    public String logTail() {
        return tail(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
