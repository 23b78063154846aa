package ir.flatrender.orchestrator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.orchestrator.testing.TestingS3;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 23: the object store against a real S3-compatible server (S3Proxy, started by the test),
 * never a mock of the client.
 */
class S3BlobStoreIT {
    @TempDir
    static Path directory;

    private static TestingS3 server;
    private static S3BlobStore store;
    /** A plain client, to see the bucket as the server has it. */
    private static S3Client raw;

    @BeforeAll
    static void start() throws Exception {
        server = TestingS3.start(directory);
        S3Settings settings = server.settings("flatrender-test", "farm-a");
        store = S3BlobStore.open(settings);
        raw = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.accessKey().orElseThrow(), settings.secretKey().orElseThrow())))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void put(String key, byte[] bytes) throws IOException {
        try (BlobWriter writer = store.create(key)) {
            writer.stream().write(bytes);
            writer.commit();
        }
    }

    private static int openUploads() {
        return raw.listMultipartUploads(b -> b.bucket("flatrender-test"))
                .uploads()
                .size();
    }

    @Test
    @DisplayName("a small blob: one put, visible only once committed, read whole and from an offset")
    void aSmallBlob() throws Exception {
        byte[] bytes = "hello world".getBytes(StandardCharsets.UTF_8);
        try (BlobWriter writer = store.create("segments/job/0-1.ts")) {
            writer.stream().write(bytes);
            assertThat(store.size("segments/job/0-1.ts")).isEmpty();
            assertThat(writer.sha256()).isEqualTo(sha256(bytes));
            assertThat(writer.written()).isEqualTo(11);
            writer.commit();
        }
        assertThat(store.size("segments/job/0-1.ts")).contains(11L);
        try (InputStream in = store.open("segments/job/0-1.ts", 0)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        try (InputStream in = store.open("segments/job/0-1.ts", 6)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
        }
        try (InputStream in = store.open("segments/job/0-1.ts", 11)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThat(store.describe("segments/job/0-1.ts")).isEqualTo("s3://flatrender-test/farm-a/segments/job/0-1.ts");
        assertThat(raw.headObject(b -> b.bucket("flatrender-test").key("farm-a/segments/job/0-1.ts"))
                        .contentLength())
                .as("the object, under the store's prefix")
                .isEqualTo(11L);
    }

    @Test
    @DisplayName("a blob larger than a part: a multipart upload of 5 MiB parts, streamed in small writes,"
            + " read back byte for byte")
    void aMultipartBlob() throws Exception {
        byte[] bytes = random(12 * 1024 * 1024 + 321, 1);
        try (BlobWriter writer = store.create("exports/job/video.mp4")) {
            for (int at = 0; at < bytes.length; at += 64 * 1024) {
                writer.stream().write(bytes, at, Math.min(64 * 1024, bytes.length - at));
            }
            assertThat(openUploads()).as("an upload under way").isEqualTo(1);
            assertThat(store.size("exports/job/video.mp4")).isEmpty();
            assertThat(writer.sha256()).isEqualTo(sha256(bytes));
            writer.commit();
        }
        assertThat(openUploads()).isZero();
        assertThat(store.size("exports/job/video.mp4")).contains((long) bytes.length);
        var head = raw.headObject(b -> b.bucket("flatrender-test").key("farm-a/exports/job/video.mp4"));
        assertThat(head.eTag()).as("a multipart object's ETag names its parts").endsWith("-3\"");
        try (InputStream in = store.open("exports/job/video.mp4", 0)) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(bytes));
        }
        // A bounded range fetches only its bytes; a stream closed early is let go of.
        try (InputStream in = store.open("exports/job/video.mp4", 1000, 4096)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 1000 + 4096));
        }
        for (int i = 0; i < 80; i++) {
            try (InputStream in = store.open("exports/job/video.mp4", 0)) {
                assertThat(in.read()).isEqualTo(bytes[0] & 0xff);
            }
        }
        long offset = 7 * 1024 * 1024 + 5;
        try (InputStream in = store.open("exports/job/video.mp4", offset)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, (int) offset, bytes.length));
        }
    }

    @Test
    @DisplayName("a write closed without its commit leaves nothing: no object, its multipart upload aborted")
    void anUncommittedWriteLeavesNothing() throws Exception {
        try (BlobWriter writer = store.create("segments/gone/0-1.ts")) {
            writer.stream().write(random(6 * 1024 * 1024, 2));
            assertThat(openUploads()).isEqualTo(1);
        }
        assertThat(store.size("segments/gone/0-1.ts")).isEmpty();
        assertThat(openUploads()).isZero();
    }

    @Test
    @DisplayName("a commit replaces the blob under its key")
    void aCommitReplaces() throws Exception {
        put("templates/t.zip", "first".getBytes(StandardCharsets.UTF_8));
        put("templates/t.zip", "second".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = store.open("templates/t.zip", 0)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        }
    }

    @Test
    @DisplayName("delete and deleteTree remove only what they name; a missing blob is NoSuchFileException")
    void deleting() throws Exception {
        for (String key : new String[] {"segments/j/0-1.ts", "segments/j/1-1.ts", "segments/jk/0-1.ts"}) {
            put(key, new byte[] {7});
        }
        store.deleteTree("segments/j");
        assertThat(store.size("segments/j/0-1.ts")).isEmpty();
        assertThat(store.size("segments/j/1-1.ts")).isEmpty();
        assertThat(store.size("segments/jk/0-1.ts"))
                .as("a sibling whose name starts alike")
                .contains(1L);
        store.delete("segments/jk/0-1.ts");
        assertThat(store.size("segments/jk/0-1.ts")).isEmpty();
        assertThatThrownBy(() -> store.open("segments/jk/0-1.ts", 0)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    @DisplayName("keys cannot leave the store's prefix")
    void keysCannotLeaveThePrefix() {
        for (String bad : new String[] {"../x", "/etc/passwd", "a/../../x", "a//b", "", ".."}) {
            assertThatThrownBy(() -> store.create(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("a presigned URL downloads the blob without credentials, under its file name, until it"
            + " expires; a changed URL is refused")
    void presignedDownloads() throws Exception {
        byte[] bytes = random(300_000, 3);
        put("exports/p/video.mp4", bytes);
        HttpClient http = HttpClient.newHttpClient();
        var url = store.presignedDownload("exports/p/video.mp4", Duration.ofMinutes(5), "ویدیو تولد.mp4")
                .orElseThrow();
        HttpResponse<byte[]> answer =
                http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(bytes);
        assertThat(answer.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(value -> assertThat(value)
                        .startsWith("attachment;")
                        .contains("filename*=UTF-8''%D9%88%DB%8C%D8%AF%DB%8C%D9%88"));

        String tampered = url.toString().replace("video.mp4", "other.mp4");
        assertThat(http.send(
                                HttpRequest.newBuilder(java.net.URI.create(tampered))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(403);

        var expired = store.presignedDownload("exports/p/video.mp4", Duration.ofSeconds(1), "v.mp4")
                .orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = http.send(HttpRequest.newBuilder(expired).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } while (status == 200 && System.nanoTime() < deadline);
        assertThat(status).as("an expired URL").isEqualTo(403);
    }

    @Test
    @DisplayName("a store on a local disk makes no presigned URL")
    void theFileStoreHasNone() throws Exception {
        var files = new FileSystemBlobStore(directory.resolve("files"));
        assertThat(files.presignedDownload("a/b", Duration.ofMinutes(1), "b")).isEqualTo(Optional.empty());
    }

    @Test
    @DisplayName("wrong credentials are refused at open, with the endpoint named")
    void wrongCredentials() {
        S3Settings good = server.settings("flatrender-test", "");
        S3Settings bad = new S3Settings(
                good.endpoint(),
                good.region(),
                good.bucket(),
                "",
                good.accessKey(),
                Optional.of("not-the-secret"),
                good.partSize(),
                Optional.empty());
        assertThatThrownBy(() -> S3BlobStore.open(bad))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(good.endpoint().toString());
    }
}
