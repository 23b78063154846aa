package ir.flatrender.node.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching a package: how long a node keeps trying, by what went wrong. */
class PackageDownloadTest {
    private static final byte[] BYTES = "a package's bytes".getBytes(StandardCharsets.UTF_8);
    private static final TemplateRef REF = new TemplateRef(
            "card", 1, com.google.common.hash.Hashing.sha256().hashBytes(BYTES).toString(), BYTES.length);

    @TempDir
    Path directory;

    @Test
    void anOrchestratorAwayForMoreTriesThanABrokenTransferGetsIsWaitedFor() throws Exception {
        // A restart of the orchestrator: eight calls unanswered, then the bytes.
        AtomicInteger calls = new AtomicInteger();
        PackageSource restarting = (sha256, offset, out) -> {
            if (calls.incrementAndGet() <= 8) {
                throw new PackageSource.Unreachable("UNAVAILABLE io exception", null);
            }
            out.write(BYTES, (int) offset, BYTES.length - (int) offset);
        };
        Path part = directory.resolve("card.part");
        new PackageDownload(restarting, Duration.ofMillis(1), Duration.ofSeconds(30)).into(REF, part);

        assertThat(part).hasBinaryContent(BYTES);
        assertThat(calls).hasValue(9);
    }

    @Test
    void anOrchestratorAwayLongerThanTheWindowFailsTheFetch() {
        PackageSource gone = (sha256, offset, out) -> {
            throw new PackageSource.Unreachable("UNAVAILABLE io exception", null);
        };
        assertThatThrownBy(() -> new PackageDownload(gone, Duration.ofMillis(1), Duration.ofMillis(50))
                        .into(REF, directory.resolve("card.part")))
                .isInstanceOf(PackageSource.Unreachable.class);
    }

    @Test
    void aTransferThatKeepsBreakingIsTriedFiveTimes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PackageSource breaking = (sha256, offset, out) -> {
            calls.incrementAndGet();
            throw new IOException("package data out of order");
        };
        assertThatThrownBy(() -> new PackageDownload(breaking, Duration.ofMillis(1), Duration.ofSeconds(30))
                        .into(REF, directory.resolve("card.part")))
                .hasMessageContaining("out of order");
        assertThat(calls).hasValue(5);
        assertThat(Files.exists(directory.resolve("card.part"))).isTrue();
    }
}
