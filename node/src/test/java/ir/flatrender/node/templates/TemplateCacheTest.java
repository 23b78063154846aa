package ir.flatrender.node.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import ir.flatrender.node.control.GrpcPackageSource;
import ir.flatrender.node.testing.TestingPackageServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCacheTest {
    private final TestingPackageServer server = new TestingPackageServer();

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        server.close();
    }

    /** A package of one manifest and one file of the given size; its ref. */
    private TemplateRef publish(String id, int bytes) throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("template.json"));
            out.write(("{\"id\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("assets/data.bin"));
            byte[] data = new byte[bytes];
            java.util.Arrays.fill(data, (byte) id.hashCode());
            out.write(data);
            out.closeEntry();
        }
        byte[] bytesOfZip = zip.toByteArray();
        String sha256 = Hashing.sha256().hashBytes(bytesOfZip).toString();
        server.put(sha256, bytesOfZip);
        return new TemplateRef(id, 1, sha256, bytesOfZip.length);
    }

    private static final Clock STILL = Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC);

    private TemplateCache cache(long budget, List<CacheSnapshot> reports) throws Exception {
        return cache(budget, reports, Clock.systemUTC());
    }

    private TemplateCache cache(long budget, List<CacheSnapshot> reports, Clock clock) throws Exception {
        TemplateCache cache = new TemplateCache(
                directory.resolve("cache"),
                new GrpcPackageSource(server.channel(), Duration.ofSeconds(30)),
                budget,
                new ObjectMapper(),
                clock);
        cache.onChange(reports::add);
        return cache;
    }

    @Test
    void theSecondUseOfAPackageDoesNotFetchIt() throws Exception {
        TemplateRef ref = publish("alpha", 10_000);
        List<CacheSnapshot> reports = new ArrayList<>();
        TemplateCache cache = cache(1 << 20, reports);
        try (TemplateCache.Lease first = cache.get(ref)) {
            assertThat(first.directory().resolve("assets/data.bin")).hasSize(10_000);
        }
        try (TemplateCache.Lease second = cache.get(ref)) {
            assertThat(second.directory().resolve("template.json")).exists();
        }
        assertThat(server.fetches()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.bytesFetched()).isEqualTo(ref.sizeBytes());
        CacheSnapshot last = reports.get(reports.size() - 1);
        assertThat(last.hits()).isEqualTo(1);
        assertThat(last.templates()).singleElement().satisfies(entry -> {
            assertThat(entry.sha256()).isEqualTo(ref.sha256());
            assertThat(entry.hits()).isEqualTo(1);
        });
    }

    @Test
    void theIndexSurvivesARestart() throws Exception {
        TemplateRef ref = publish("beta", 5_000);
        try (TemplateCache.Lease lease = cache(1 << 20, new ArrayList<>()).get(ref)) {
            assertThat(lease.directory()).exists();
        }
        TemplateCache restarted = cache(1 << 20, new ArrayList<>());
        try (TemplateCache.Lease lease = restarted.get(ref)) {
            assertThat(lease.directory()).exists();
        }
        assertThat(server.fetches()).isEqualTo(1);
        assertThat(restarted.hits()).isEqualTo(1);
    }

    @Test
    void evictionKeepsTheBudgetAndDropsTheLeastRecentlyUsed() throws Exception {
        TemplateRef a = publish("a", 40_000);
        TemplateRef b = publish("b", 40_000);
        TemplateRef c = publish("c", 40_000);
        // A clock that stands still: every use falls in one millisecond, as fast uses do.
        TemplateCache cache = cache(100_000, new ArrayList<>(), STILL);
        cache.get(a).close();
        cache.get(b).close();
        // a is used again, so b is now the least recently used.
        cache.get(a).close();
        cache.get(c).close();
        assertThat(cache.usedBytes()).isLessThanOrEqualTo(100_000);
        assertThat(cache.report().templates())
                .extracting(entry -> entry.sha256())
                .containsExactlyInAnyOrder(a.sha256(), c.sha256());
        assertThat(cache.report().evictions()).isEqualTo(1);
        assertThat(directory.resolve("cache").resolve(b.sha256())).doesNotExist();
    }

    @Test
    void theOrderOfUseSurvivesARestart() throws Exception {
        TemplateRef a = publish("a", 40_000);
        TemplateRef b = publish("b", 40_000);
        TemplateRef c = publish("c", 40_000);
        TemplateCache first = cache(100_000, new ArrayList<>(), STILL);
        first.get(b).close();
        first.get(a).close();
        first.get(b).close();
        TemplateCache restarted = cache(100_000, new ArrayList<>(), STILL);
        restarted.get(c).close();
        assertThat(restarted.report().templates())
                .extracting(entry -> entry.sha256())
                .containsExactlyInAnyOrder(b.sha256(), c.sha256());
    }

    @Test
    void aPackageInUseIsNotEvicted() throws Exception {
        TemplateRef a = publish("a", 60_000);
        TemplateRef b = publish("b", 60_000);
        TemplateCache cache = cache(100_000, new ArrayList<>());
        try (TemplateCache.Lease held = cache.get(a)) {
            cache.get(b).close();
            assertThat(held.directory().resolve("assets/data.bin")).exists();
        }
    }

    @Test
    void aTamperedPackageIsFetchedAgain() throws Exception {
        TemplateRef ref = publish("gamma", 2_000);
        TemplateCache cache = cache(1 << 20, new ArrayList<>());
        Path data;
        try (TemplateCache.Lease lease = cache.get(ref)) {
            data = lease.directory().resolve("assets/data.bin");
        }
        Files.writeString(data, "tampered");
        try (TemplateCache.Lease lease = cache.get(ref)) {
            assertThat(lease.directory().resolve("assets/data.bin")).hasSize(2_000);
        }
        assertThat(server.fetches()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(2);
    }

    @Test
    void aTamperedPackageInUseIsNotPulledFromUnderItsReader() throws Exception {
        TemplateRef ref = publish("delta", 2_000);
        TemplateCache cache = cache(1 << 20, new ArrayList<>());
        try (TemplateCache.Lease reading = cache.get(ref)) {
            Path data = reading.directory().resolve("assets/data.bin");
            Files.writeString(data, "tampered");
            assertThatThrownBy(() -> cache.get(ref))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("changed on disk while another chunk uses it");
            assertThat(reading.directory()).isDirectory();
            assertThat(server.fetches()).isEqualTo(1);
        }
        // Once nobody reads it, it is fetched again.
        try (TemplateCache.Lease lease = cache.get(ref)) {
            assertThat(lease.directory().resolve("assets/data.bin")).hasSize(2_000);
        }
        assertThat(server.fetches()).isEqualTo(2);
    }
}
