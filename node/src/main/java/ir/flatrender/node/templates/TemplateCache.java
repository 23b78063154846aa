package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template packages on the node's disk, each unpacked under its sha256, kept under a byte
 * budget: the least recently used go first, never one in use. A missing package is fetched
 * from the orchestrator (resuming a broken transfer where it stopped), checked against its
 * sha256, unpacked and moved into place in one rename. Before every use the unpacked files are
 * checked against the digest taken when they were unpacked; a package changed on disk is
 * dropped and fetched again. The index survives restarts; every change is reported to the
 * orchestrator.
 */
public final class TemplateCache {
    private static final Logger log = LoggerFactory.getLogger(TemplateCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String INDEX = "index.json";
    private static final String DOWNLOADS = "downloads";

    private final Path root;
    private final PackageDownload download;
    private final long budgetBytes;
    private final ObjectMapper json;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Object> fetchLocks = new HashMap<>();
    private final Map<String, Integer> pins = new HashMap<>();
    private volatile Consumer<CacheSnapshot> reporter = report -> {};
    private CacheIndex index;

    public TemplateCache(Path root, PackageSource source, long budgetBytes, ObjectMapper json, Clock clock)
            throws IOException {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.download = new PackageDownload(source);
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("the cache budget must be positive");
        }
        this.budgetBytes = budgetBytes;
        Files.createDirectories(this.root.resolve(DOWNLOADS));
        this.index = reconcile(CacheIndex.load(this.root.resolve(INDEX), json));
    }

    /** Drops index entries whose folder is gone, and folders the index does not know. */
    private CacheIndex reconcile(CacheIndex loaded) throws IOException {
        loaded.entries().keySet().removeIf(sha -> !Files.isDirectory(root.resolve(sha)));
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                boolean known = loaded.entries().containsKey(name);
                if (Files.isDirectory(child) && !name.equals(DOWNLOADS) && !known) {
                    MoreFiles.deleteRecursively(child, RecursiveDeleteOption.ALLOW_INSECURE);
                }
            }
        }
        loaded.save(root.resolve(INDEX), json);
        return loaded;
    }

    /** Where reports of the cache's contents go (the control stream). */
    public void onChange(Consumer<CacheSnapshot> listener) {
        this.reporter = requireNonNull(listener, "listener is null");
    }

    /** An unpacked package held for use; close it when done so that it may be evicted again. */
    public final class Lease implements AutoCloseable {
        private final String sha256;
        private final Path directory;
        private boolean closed;

        private Lease(String sha256, Path directory) {
            this.sha256 = sha256;
            this.directory = directory;
        }

        public Path directory() {
            return directory;
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    pins.merge(sha256, -1, (a, b) -> a + b == 0 ? null : a + b);
                }
            }
        }
    }

    /** The unpacked package, fetched first when this node does not have it (or it was changed on disk). */
    public Lease get(TemplateRef ref) throws IOException, InterruptedException {
        String sha256 = ref.sha256();
        if (!SHA256.matcher(sha256).matches()) {
            throw new IOException("bad package sha256 '" + sha256 + "'");
        }
        Object fetchLock;
        synchronized (lock) {
            fetchLock = fetchLocks.computeIfAbsent(sha256, key -> new Object());
        }
        // One fetch per package at a time; other slots wanting it wait and then hit.
        synchronized (fetchLock) {
            Path directory = root.resolve(sha256);
            CacheIndex.Entry entry;
            synchronized (lock) {
                entry = index.entries().get(sha256);
                pins.merge(sha256, 1, Integer::sum);
            }
            try {
                if (entry != null && intact(directory, entry)) {
                    recordUse(sha256, true);
                    return new Lease(sha256, directory);
                }
                if (entry != null) {
                    synchronized (lock) {
                        // Another chunk is reading it: replacing it would pull the files from
                        // under that engine. This chunk fails (and is retried) instead.
                        if (pins.getOrDefault(sha256, 0) > 1) {
                            throw new IOException("template " + ref.templateId() + " v" + ref.version()
                                    + " changed on disk while another chunk uses it");
                        }
                    }
                    log.warn("template {} v{} changed on disk; fetching it again", ref.templateId(), ref.version());
                    drop(sha256);
                }
                fetch(ref, directory);
                recordUse(sha256, false);
                return new Lease(sha256, directory);
            } catch (IOException | InterruptedException | RuntimeException e) {
                synchronized (lock) {
                    pins.merge(sha256, -1, (a, b) -> a + b == 0 ? null : a + b);
                }
                throw e;
            }
        }
    }

    private static boolean intact(Path directory, CacheIndex.Entry entry) {
        try {
            return Files.isDirectory(directory) && TreeDigest.of(directory).equals(entry.treeSha256());
        } catch (IOException e) {
            return false;
        }
    }

    private void recordUse(String sha256, boolean hit) throws IOException {
        CacheSnapshot report;
        synchronized (lock) {
            // Removed and put back, so the entry moves to the end: the index's order is the order of use.
            CacheIndex.Entry entry = index.entries().remove(sha256);
            index.entries()
                    .put(
                            sha256,
                            new CacheIndex.Entry(
                                    entry.templateId(),
                                    entry.version(),
                                    entry.sizeBytes(),
                                    clock.millis(),
                                    entry.hits() + (hit ? 1 : 0),
                                    entry.treeSha256()));
            index = new CacheIndex(
                    index.entries(),
                    index.hits() + (hit ? 1 : 0),
                    index.misses() + (hit ? 0 : 1),
                    index.bytesFetched(),
                    index.evictions());
            index.save(root.resolve(INDEX), json);
            report = report();
        }
        reporter.accept(report);
    }

    private void fetch(TemplateRef ref, Path directory) throws IOException, InterruptedException {
        Path part = root.resolve(DOWNLOADS).resolve(ref.sha256() + ".part");
        long started = System.nanoTime();
        download.into(ref, part);
        long size = Files.size(part);
        Path unpacking = Files.createTempDirectory(root.resolve(DOWNLOADS), ref.sha256() + "-");
        try {
            PackageExtractor.extract(part, unpacking, Math.max(64L << 20, size * 4));
            String tree = TreeDigest.of(unpacking);
            if (Files.exists(directory)) {
                MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
            }
            try {
                Files.move(unpacking, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(unpacking, directory);
            }
            long unpacked = sizeOf(directory);
            synchronized (lock) {
                index.entries().remove(ref.sha256());
                index.entries()
                        .put(
                                ref.sha256(),
                                new CacheIndex.Entry(
                                        ref.templateId(), ref.version(), unpacked, clock.millis(), 0, tree));
                index = new CacheIndex(
                        index.entries(), index.hits(), index.misses(), index.bytesFetched() + size, index.evictions());
                evict();
                index.save(root.resolve(INDEX), json);
            }
        } finally {
            if (Files.exists(unpacking)) {
                MoreFiles.deleteRecursively(unpacking, RecursiveDeleteOption.ALLOW_INSECURE);
            }
            Files.deleteIfExists(part);
        }
        log.info(
                "fetched template {} v{} ({} bytes) in {} ms; cache holds {} bytes of {}",
                ref.templateId(),
                ref.version(),
                size,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                usedBytes(),
                budgetBytes);
    }

    /** Drops least recently used packages not in use until the cache fits its budget. Holds the lock. */
    private void evict() throws IOException {
        long used = index.entries().values().stream()
                .mapToLong(CacheIndex.Entry::sizeBytes)
                .sum();
        // The index's order, not the wall clock's millisecond (two uses share one; it can step back).
        List<Map.Entry<String, CacheIndex.Entry>> candidates =
                new ArrayList<>(index.entries().entrySet());
        long evictions = 0;
        for (Iterator<Map.Entry<String, CacheIndex.Entry>> it = candidates.iterator();
                it.hasNext() && used > budgetBytes; ) {
            Map.Entry<String, CacheIndex.Entry> candidate = it.next();
            if (pins.containsKey(candidate.getKey())) {
                continue;
            }
            index.entries().remove(candidate.getKey());
            MoreFiles.deleteRecursively(root.resolve(candidate.getKey()), RecursiveDeleteOption.ALLOW_INSECURE);
            used -= candidate.getValue().sizeBytes();
            evictions++;
            log.info(
                    "evicted template {} v{} ({} bytes) to keep the cache under {} bytes",
                    candidate.getValue().templateId(),
                    candidate.getValue().version(),
                    candidate.getValue().sizeBytes(),
                    budgetBytes);
        }
        index = new CacheIndex(
                index.entries(), index.hits(), index.misses(), index.bytesFetched(), index.evictions() + evictions);
    }

    private void drop(String sha256) throws IOException {
        synchronized (lock) {
            index.entries().remove(sha256);
            index.save(root.resolve(INDEX), json);
        }
        Path directory = root.resolve(sha256);
        if (Files.exists(directory)) {
            MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            long total = 0;
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** What the cache holds and its counters. */
    public CacheSnapshot report() {
        synchronized (lock) {
            List<CacheSnapshot.Cached> templates = new ArrayList<>();
            index.entries()
                    .forEach((sha, entry) -> templates.add(
                            new CacheSnapshot.Cached(sha, entry.sizeBytes(), entry.lastUsedMillis(), entry.hits())));
            return new CacheSnapshot(
                    templates, budgetBytes, index.hits(), index.misses(), index.bytesFetched(), index.evictions());
        }
    }

    public long usedBytes() {
        synchronized (lock) {
            return index.entries().values().stream()
                    .mapToLong(CacheIndex.Entry::sizeBytes)
                    .sum();
        }
    }

    public long hits() {
        synchronized (lock) {
            return index.hits();
        }
    }

    public long misses() {
        synchronized (lock) {
            return index.misses();
        }
    }

    public long bytesFetched() {
        synchronized (lock) {
            return index.bytesFetched();
        }
    }
}
