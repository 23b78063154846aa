package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a template package, keyed by their package-relative path. Its zip form is
 * byte-for-byte reproducible (sorted entries, stored uncompressed, fixed times), so the same
 * content always has the same sha256.
 *
 * <p>A package read from a zip is unpacked to a folder of its own on disk, never into memory:
 * a pushed package may be hundreds of megabytes, and a zip bomb claims far more. Unpacking
 * stops at the first limit passed ({@link Limits}: bytes unpacked, entries, compression
 * ratio). Close the package to delete that folder.
 */
public final class TemplatePackage implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(TemplatePackage.class);
    public static final String MANIFEST = "template.json";
    /** The manifest is read into memory; nothing that large is a manifest. */
    public static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

    private final SortedMap<String, Content> files;
    /** The folder this package unpacked into, deleted by {@link #close()}; none for folders and resources. */
    private final Optional<Path> unpacked;

    private TemplatePackage(SortedMap<String, Content> files, Optional<Path> unpacked) {
        if (!files.containsKey(MANIFEST)) {
            throw FarmException.invalid("package", "has no " + MANIFEST + " at its root");
        }
        this.files = Collections.unmodifiableSortedMap(files);
        this.unpacked = unpacked;
    }

    /**
     * What a zip may unpack to before it is refused.
     *
     * @param maxBytes the bytes all entries unpack to together, counted as read (not as the zip
     *     claims)
     * @param maxEntries the number of entries, folders included
     * @param maxRatio the largest unpacked-to-packed ratio of an entry past its first
     *     {@link #RATIO_GRACE_BYTES} (real packages of JSON, JavaScript and media stay far under
     *     100; a bomb of zeros deflates 1000 to 1)
     */
    public record Limits(long maxBytes, int maxEntries, int maxRatio) {
        public static final long RATIO_GRACE_BYTES = 1024 * 1024;

        public Limits {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be positive");
            }
            if (maxRatio < 2) {
                throw new IllegalArgumentException("maxRatio must be at least 2");
            }
        }

        /** {@code maxBytes} unpacked, 20,000 entries, a ratio of 200. */
        public static Limits of(long maxBytes) {
            return new Limits(maxBytes, 20_000, 200);
        }
    }

    /** One file's bytes: in memory (class-path samples) or in a file (folders, unpacked zips). */
    private sealed interface Content {
        long size();

        InputStream open() throws IOException;
    }

    private record InMemory(byte[] bytes) implements Content {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private record OnDisk(Path file, long size) implements Content {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }
    }

    /**
     * Reads a package folder, in place (its files are read when the package is written out).
     * Refused: links, and anything over the size limit.
     */
    public static TemplatePackage fromDirectory(Path directory, long maxBytes) {
        requireNonNull(directory, "directory is null");
        Path root = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw FarmException.invalid("package", root + " is not a folder");
        }
        SortedMap<String, Content> files = new TreeMap<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) {
                    throw FarmException.invalid(
                            "package", "'" + root.relativize(path) + "' is a link; packages may not contain links");
                }
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String name = checkName(root.relativize(path).toString().replace('\\', '/'));
                long size = Files.size(path);
                total += size;
                checkSize(total, maxBytes);
                files.put(name, new OnDisk(path, size));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read package " + root, e);
        }
        return new TemplatePackage(files, Optional.empty());
    }

    /**
     * Reads a package zip held in memory (small packages: tests, the CLI), unpacking it into a
     * new folder under {@code scratch}, as {@link #fromZip(Path, Limits, Path)}.
     */
    public static TemplatePackage fromZip(byte[] zip, Limits limits, Path scratch) {
        return fromZip(new SeekableInMemoryByteChannel(zip), zip.length, limits, scratch);
    }

    /**
     * Reads a package zip, unpacking it into a new folder under {@code scratch}. Refused: links,
     * entries that escape the package root, duplicate names, and anything past the limits (bytes
     * counted as read, not as the zip claims). A zip whose files all sit in one top folder is
     * read from inside that folder.
     */
    public static TemplatePackage fromZip(Path zip, Limits limits, Path scratch) throws IOException {
        return fromZip(Files.newByteChannel(zip), Files.size(zip), limits, scratch);
    }

    private static TemplatePackage fromZip(SeekableByteChannel channel, long zipBytes, Limits limits, Path scratch) {
        requireNonNull(limits, "limits is null");
        requireNonNull(scratch, "scratch is null");
        Path folder;
        try {
            folder = Files.createTempDirectory(Files.createDirectories(scratch), "package-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a folder to unpack the package in", e);
        }
        boolean kept = false;
        try (ZipFile archive = ZipFile.builder().setSeekableByteChannel(channel).get()) {
            List<ZipArchiveEntry> entries = Collections.list(archive.getEntries());
            if (entries.size() > limits.maxEntries()) {
                throw new FarmException(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "package has " + entries.size() + " entries; the limit is " + limits.maxEntries());
            }
            SortedMap<String, Content> files = new TreeMap<>();
            long total = 0;
            int n = 0;
            for (ZipArchiveEntry entry : entries) {
                if (entry.isUnixSymlink()) {
                    throw FarmException.invalid(
                            "package", "'" + entry.getName() + "' is a link; packages may not contain links");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                String name = checkName(entry.getName());
                if (files.containsKey(name)) {
                    throw FarmException.invalid("package", "'" + name + "' appears twice in the zip");
                }
                // Files are numbered, not named: the entry's name never becomes a path.
                Path file = folder.resolve(Integer.toString(n++));
                long size;
                try (InputStream in = archive.getInputStream(entry);
                        OutputStream out = new LimitedOutput(
                                Files.newOutputStream(file), name, total, entry.getCompressedSize(), limits)) {
                    size = in.transferTo(out);
                }
                total += size;
                files.put(name, new OnDisk(file, size));
            }
            if (total > limits.maxRatio() * Math.max(zipBytes, Limits.RATIO_GRACE_BYTES)) {
                throw LimitedOutput.bomb("the package", total, zipBytes, limits);
            }
            TemplatePackage pkg = new TemplatePackage(unwrapTopFolder(files), Optional.of(folder));
            kept = true;
            return pkg;
        } catch (IOException e) {
            if (e.getCause() instanceof FarmException refused) {
                throw refused;
            }
            throw FarmException.invalid("package", "is not a readable zip: " + e.getMessage());
        } finally {
            if (!kept) {
                deleteQuietly(folder);
            }
        }
    }

    private static SortedMap<String, Content> unwrapTopFolder(SortedMap<String, Content> files) {
        if (files.containsKey(MANIFEST) || files.isEmpty()) {
            return files;
        }
        String first = files.firstKey();
        int slash = first.indexOf('/');
        if (slash < 0) {
            return files;
        }
        String prefix = first.substring(0, slash + 1);
        if (!files.keySet().stream().allMatch(name -> name.startsWith(prefix))) {
            return files;
        }
        SortedMap<String, Content> inner = new TreeMap<>();
        files.forEach((name, content) -> inner.put(name.substring(prefix.length()), content));
        return inner;
    }

    /**
     * The package cut down to the files {@code keep} accepts. The subset shares this package's
     * files: use it while this package is open, and close only this one.
     */
    public TemplatePackage subset(Predicate<String> keep) {
        SortedMap<String, Content> kept = new TreeMap<>();
        files.forEach((name, content) -> {
            if (keep.test(name)) {
                kept.put(name, content);
            }
        });
        return new TemplatePackage(kept, Optional.empty());
    }

    /**
     * The package with another manifest (a revision's), its other files this package's: use it
     * while this package is open, and close only this one.
     */
    public TemplatePackage withManifest(byte[] manifest) {
        SortedMap<String, Content> revised = new TreeMap<>(files);
        revised.put(MANIFEST, new InMemory(manifest.clone()));
        return new TemplatePackage(revised, Optional.empty());
    }

    /** Reads a package from class-path resources under {@code base}, given its file names. */
    public static TemplatePackage fromClassPath(ClassLoader loader, String base, List<String> names) {
        SortedMap<String, Content> files = new TreeMap<>();
        for (String name : names) {
            try (InputStream in = loader.getResourceAsStream(base + "/" + checkName(name))) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + base + "/" + name);
                }
                files.put(name, new InMemory(in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read resource " + base + "/" + name, e);
            }
        }
        return new TemplatePackage(files, Optional.empty());
    }

    /** Checks a package-relative path: no absolute paths, no {@code ..}, no empty segments. */
    public static String checkName(String name) {
        if (name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.contains(":")
                || name.indexOf('\0') >= 0
                || name.length() > 255
                || List.of(name.split("/", -1)).stream()
                        .anyMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."))) {
            throw FarmException.invalid(
                    "package", "entry '" + name + "' escapes the package root or is not a plain path");
        }
        return name;
    }

    private static void checkSize(long total, long maxBytes) {
        if (total > maxBytes) {
            throw new FarmException(
                    ErrorCode.RESOURCE_EXHAUSTED, "package is larger than the limit of " + maxBytes + " bytes");
        }
    }

    /** The manifest's bytes (refused past {@link #MAX_MANIFEST_BYTES}). */
    public byte[] manifest() {
        if (files.get(MANIFEST).size() > MAX_MANIFEST_BYTES) {
            throw FarmException.invalid(MANIFEST, "is larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        return read(MANIFEST);
    }

    /** The package-relative names of its files, sorted. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(files.keySet()));
    }

    public boolean contains(String name) {
        return files.containsKey(name);
    }

    /** A file's size in bytes. */
    public long size(String name) {
        return content(name).size();
    }

    /** Opens one file of the package. */
    public InputStream open(String name) throws IOException {
        return content(name).open();
    }

    /** A whole file in memory: for small files (a manifest, a font); stream the rest with {@link #open}. */
    public byte[] read(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name + " of the package", e);
        }
    }

    /** Bytes the package's files hold together. */
    public long unpackedBytes() {
        return files.values().stream().mapToLong(Content::size).sum();
    }

    private Content content(String name) {
        Content content = files.get(name);
        if (content == null) {
            throw new IllegalArgumentException("the package has no file '" + name + "'");
        }
        return content;
    }

    /** The reproducible zip's size and sha256, as {@link #writeZip} would write it. */
    public record ZipDigest(long bytes, String sha256) {}

    /** Writes the package as a reproducible zip ({@link PackageZips}). */
    public void writeZip(OutputStream target) throws IOException {
        PackageZips.write(this, target);
    }

    /** The size and sha256 of {@link #writeZip}'s bytes, without keeping them. */
    public ZipDigest zipDigest() {
        return PackageZips.digest(this);
    }

    /** The package as a reproducible zip in memory: for small packages only (tests, samples). */
    public byte[] toZip() {
        return PackageZips.inMemory(this);
    }

    /** Deletes the folder a zip was unpacked into, if any. */
    @Override
    public void close() {
        unpacked.ifPresent(TemplatePackage::deleteQuietly);
    }

    private static void deleteQuietly(Path folder) {
        try {
            MoreFiles.deleteRecursively(folder, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
            // Logged, not thrown: the package was read already, and nothing reads the leftover again.
            log.warn("could not delete the unpacked package {}: {}", folder, e.toString());
        }
    }

    public static String sha256(byte[] bytes) {
        return Hashing.sha256().hashBytes(bytes).toString();
    }
}
