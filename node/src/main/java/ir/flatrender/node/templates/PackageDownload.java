package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a package into a {@code .part} file, resuming a broken transfer where it stopped,
 * and checks it against its sha256; a package whose bytes are wrong is deleted.
 */
final class PackageDownload {
    private static final Logger log = LoggerFactory.getLogger(PackageDownload.class);
    private static final int ATTEMPTS = 5;

    private final PackageSource source;

    PackageDownload(PackageSource source) {
        this.source = requireNonNull(source, "source is null");
    }

    /** Fills {@code part} with the package's checked bytes. */
    void into(TemplateRef ref, Path part) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long offset = Files.exists(part) ? Files.size(part) : 0;
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                source.copy(ref.sha256(), offset, out);
                last = null;
                break;
            } catch (IOException e) {
                last = e;
                log.warn(
                        "fetching template {} v{} failed at byte {} (attempt {}/{}): {}",
                        ref.templateId(),
                        ref.version(),
                        Files.exists(part) ? Files.size(part) : 0,
                        attempt,
                        ATTEMPTS,
                        e.getMessage());
                // Back off a little before resuming; the orchestrator may be restarting.
                TimeUnit.MILLISECONDS.sleep(200L * attempt);
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
