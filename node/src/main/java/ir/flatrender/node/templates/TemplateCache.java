package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import ir.flatrender.proto.farm.v1.CachedTemplate;
import ir.flatrender.proto.farm.v1.FetchTemplateRequest;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateData;
import ir.flatrender.proto.farm.v1.TemplatePackageRef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template packages on the node's disk, each unpacked under its sha256. A missing package is
 * fetched from the orchestrator (resuming a broken transfer where it stopped), checked against
 * its sha256, unpacked and then moved into place in one rename, so a half-written package is
 * never used. Several slots asking for the same package share one download.
 */
public final class TemplateCache {
    private static final Logger log = LoggerFactory.getLogger(TemplateCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int FETCH_ATTEMPTS = 5;
    private static final String COMPLETE = ".complete";

    private final Path root;
    private final Channel channel;
    private final Duration fetchDeadline;
    private final ConcurrentHashMap<String, CompletableFuture<Path>> fetching = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong bytesFetched = new AtomicLong();

    public TemplateCache(Path root, Channel channel, Duration fetchDeadline) throws IOException {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.channel = requireNonNull(channel, "channel is null");
        this.fetchDeadline = requireNonNull(fetchDeadline, "fetchDeadline is null");
        Files.createDirectories(this.root.resolve("downloads"));
    }

    /** The unpacked package, fetched first when this node does not have it. */
    public Path get(TemplatePackageRef ref) throws IOException, InterruptedException {
        String sha256 = ref.getSha256();
        if (!SHA256.matcher(sha256).matches()) {
            throw new IOException("bad package sha256 '" + sha256 + "'");
        }
        Path directory = root.resolve(sha256);
        if (Files.exists(directory.resolve(COMPLETE))) {
            hits.incrementAndGet();
            return directory;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> shared = fetching.putIfAbsent(sha256, mine);
        if (shared != null) {
            return await(shared);
        }
        try {
            misses.incrementAndGet();
            Path fetched = fetch(ref, directory);
            mine.complete(fetched);
            return fetched;
        } catch (IOException | RuntimeException | InterruptedException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(sha256, mine);
        }
    }

    private static Path await(CompletableFuture<Path> shared) throws IOException, InterruptedException {
        try {
            return shared.get();
        } catch (ExecutionException e) {
            throw new IOException("the shared download failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private Path fetch(TemplatePackageRef ref, Path directory) throws IOException, InterruptedException {
        Path part = root.resolve("downloads").resolve(ref.getSha256() + ".part");
        long started = System.nanoTime();
        IOException last = null;
        for (int attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++) {
            long offset = Files.exists(part) ? Files.size(part) : 0;
            try {
                download(ref.getSha256(), part, offset);
                last = null;
                break;
            } catch (StatusRuntimeException | IOException e) {
                last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                log.warn(
                        "fetching template {} v{} failed at byte {} (attempt {}/{}): {}",
                        ref.getTemplateId(),
                        ref.getVersion(),
                        Files.exists(part) ? Files.size(part) : 0,
                        attempt,
                        FETCH_ATTEMPTS,
                        e.getMessage());
                // Back off a little before resuming; the orchestrator may be restarting.
                TimeUnit.MILLISECONDS.sleep(200L * attempt);
            }
        }
        if (last != null) {
            throw last;
        }
        String actual = sha256(part);
        if (!actual.equals(ref.getSha256())) {
            Files.deleteIfExists(part);
            throw new IOException("template package sha256 is " + actual + ", expected " + ref.getSha256());
        }
        Path unpacking = Files.createTempDirectory(root.resolve("downloads"), ref.getSha256() + "-");
        try {
            PackageExtractor.extract(part, unpacking, Math.max(64L << 20, ref.getSizeBytes() * 4));
            Files.writeString(unpacking.resolve(COMPLETE), ref.getTemplateId() + " " + ref.getVersion() + "\n");
            try {
                Files.move(unpacking, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(unpacking, directory);
            }
        } finally {
            if (Files.exists(unpacking)) {
                MoreFiles.deleteRecursively(unpacking, RecursiveDeleteOption.ALLOW_INSECURE);
            }
            Files.deleteIfExists(part);
        }
        long size = ref.getSizeBytes();
        bytesFetched.addAndGet(size);
        log.info(
                "fetched template {} v{} ({} bytes) in {} ms",
                ref.getTemplateId(),
                ref.getVersion(),
                size,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return directory;
    }

    private void download(String sha256, Path part, long offset) throws IOException {
        Iterator<TemplateData> stream = NodeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(fetchDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .fetchTemplate(FetchTemplateRequest.newBuilder()
                        .setSha256(sha256)
                        .setOffset(offset)
                        .build());
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            long expected = offset;
            while (stream.hasNext()) {
                TemplateData data = stream.next();
                if (data.getOffset() != expected) {
                    throw new IOException(
                            "package data out of order: got offset " + data.getOffset() + ", expected " + expected);
                }
                data.getData().writeTo(out);
                expected += data.getData().size();
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        return com.google.common.io.Files.asByteSource(file.toFile())
                .hash(com.google.common.hash.Hashing.sha256())
                .toString();
    }

    /** What the node holds, for its hello. */
    public List<CachedTemplate> contents() throws IOException {
        List<CachedTemplate> cached = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (SHA256.matcher(name).matches() && Files.exists(entry.resolve(COMPLETE))) {
                    cached.add(CachedTemplate.newBuilder().setSha256(name).build());
                }
            }
        }
        return cached;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public long bytesFetched() {
        return bytesFetched.get();
    }
}
