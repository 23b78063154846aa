package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a package into a {@code .part} file, resuming a broken transfer where it stopped,
 * and checks it against its sha256; a package whose bytes are wrong is deleted.
 */
final class PackageDownload {
    private static final Logger log = LoggerFactory.getLogger(PackageDownload.class);
    /** Tries of a transfer that breaks while the orchestrator answers. */
    private static final int ATTEMPTS = 5;
    /**
     * How long a node keeps trying while the orchestrator cannot be reached, as it does for its
     * uploads: a restart of the orchestrator is not the chunk's failure.
     */
    static final Duration UNREACHABLE_WINDOW = Duration.ofSeconds(60);

    private final PackageSource source;
    private final Duration backoff;
    private final Duration unreachableWindow;

    PackageDownload(PackageSource source) {
        this(source, Duration.ofMillis(200), UNREACHABLE_WINDOW);
    }

    PackageDownload(PackageSource source, Duration backoff, Duration unreachableWindow) {
        this.source = requireNonNull(source, "source is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.unreachableWindow = requireNonNull(unreachableWindow, "unreachableWindow is null");
    }

    /** Fills {@code part} with the package's checked bytes. */
    void into(TemplateRef ref, Path part) throws IOException, InterruptedException {
        IOException last = null;
        int broken = 0;
        int unreachable = 0;
        long unreachableSince = 0;
        while (true) {
            long offset = Files.exists(part) ? Files.size(part) : 0;
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                source.copy(ref.sha256(), offset, out);
                last = null;
                break;
            } catch (PackageSource.Unreachable e) {
                last = e;
                if (unreachable++ == 0) {
                    unreachableSince = System.nanoTime();
                } else if (System.nanoTime() - unreachableSince > unreachableWindow.toNanos()) {
                    break;
                }
                log.warn(
                        "fetching template {} v{}: the orchestrator cannot be reached (try {}, for up to {} s): {}",
                        ref.templateId(),
                        ref.version(),
                        unreachable,
                        unreachableWindow.toSeconds(),
                        e.getMessage());
                // Doubling, up to 16 times the first wait (3.2 s by default).
                TimeUnit.NANOSECONDS.sleep(backoff.toNanos() << Math.min(unreachable - 1, 4));
            } catch (IOException e) {
                last = e;
                log.warn(
                        "fetching template {} v{} failed at byte {} (attempt {}/{}): {}",
                        ref.templateId(),
                        ref.version(),
                        Files.exists(part) ? Files.size(part) : 0,
                        broken + 1,
                        ATTEMPTS,
                        e.getMessage());
                if (++broken >= ATTEMPTS) {
                    break;
                }
                // Back off a little before resuming.
                TimeUnit.NANOSECONDS.sleep(backoff.toNanos() * broken);
            }
        }
        if (last != null) {
            throw last;
        }
        String actual = com.google.common.io.Files.asByteSource(part.toFile())
                .hash(com.google.common.hash.Hashing.sha256())
                .toString();
        if (!actual.equals(ref.sha256())) {
            Files.deleteIfExists(part);
            throw new IOException("template package sha256 is " + actual + ", expected " + ref.sha256());
        }
    }
}
