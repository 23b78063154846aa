package ir.flatrender.orchestrator.templates;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * The files of a template package, keyed by their package-relative path. Its zip form is
 * byte-for-byte reproducible (sorted entries, stored uncompressed, fixed times), so the same
 * content always has the same sha256.
 */
public final class TemplatePackage {
    public static final String MANIFEST = "template.json";
    /** 1980-01-01T00:00:00Z, the zip format's epoch; every entry carries it. */
    private static final long FIXED_TIME = 315_532_800_000L;

    private final SortedMap<String, byte[]> files;

    private TemplatePackage(SortedMap<String, byte[]> files) {
        if (!files.containsKey(MANIFEST)) {
            throw FarmException.invalid("package", "has no " + MANIFEST + " at its root");
        }
        this.files = Collections.unmodifiableSortedMap(files);
    }

    /**
     * Reads a package folder. Refused: links, and anything over the size limit.
     */
    public static TemplatePackage fromDirectory(Path directory, long maxBytes) {
        requireNonNull(directory, "directory is null");
        Path root = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw FarmException.invalid("package", root + " is not a folder");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
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
                total += Files.size(path);
                checkSize(total, maxBytes);
                files.put(name, Files.readAllBytes(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read package " + root, e);
        }
        return new TemplatePackage(files);
    }

    /**
     * Reads a package zip. Refused: links, entries that escape the package root, duplicate
     * names, and anything that unpacks past the size limit (counted as read, not as the zip
     * claims). A zip whose files all sit in one top folder is read from inside that folder.
     */
    public static TemplatePackage fromZip(byte[] zip, long maxBytes) {
        return fromZip(new SeekableInMemoryByteChannel(zip), maxBytes);
    }

    /** Reads a package zip from a file, as {@link #fromZip(byte[], long)}. */
    public static TemplatePackage fromZip(Path zip, long maxBytes) throws IOException {
        return fromZip(Files.newByteChannel(zip), maxBytes);
    }

    private static TemplatePackage fromZip(java.nio.channels.SeekableByteChannel channel, long maxBytes) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (ZipFile archive = ZipFile.builder().setSeekableByteChannel(channel).get()) {
            for (ZipArchiveEntry entry : Collections.list(archive.getEntries())) {
                if (entry.isUnixSymlink()) {
                    throw FarmException.invalid(
                            "package", "'" + entry.getName() + "' is a link; packages may not contain links");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                String name = checkName(entry.getName());
                byte[] content;
                try (InputStream in = archive.getInputStream(entry)) {
                    // One byte past what is allowed, to notice an entry that goes over.
                    long allowed = Math.min(Integer.MAX_VALUE - 9L, maxBytes - total);
                    content = in.readNBytes((int) allowed + 1);
                }
                total += content.length;
                checkSize(total, maxBytes);
                if (files.put(name, content) != null) {
                    throw FarmException.invalid("package", "'" + name + "' appears twice in the zip");
                }
            }
        } catch (IOException e) {
            throw FarmException.invalid("package", "is not a readable zip: " + e.getMessage());
        }
        return new TemplatePackage(unwrapTopFolder(files));
    }

    private static SortedMap<String, byte[]> unwrapTopFolder(SortedMap<String, byte[]> files) {
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
        SortedMap<String, byte[]> inner = new TreeMap<>();
        files.forEach((name, content) -> inner.put(name.substring(prefix.length()), content));
        return inner;
    }

    /** The package cut down to the named files (which must all be in it). */
    public TemplatePackage subset(java.util.function.Predicate<String> keep) {
        SortedMap<String, byte[]> kept = new TreeMap<>();
        files.forEach((name, content) -> {
            if (keep.test(name)) {
                kept.put(name, content);
            }
        });
        return new TemplatePackage(kept);
    }

    /** Reads a package from class-path resources under {@code base}, given its file names. */
    public static TemplatePackage fromClassPath(ClassLoader loader, String base, List<String> names) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (String name : names) {
            try (InputStream in = loader.getResourceAsStream(base + "/" + checkName(name))) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + base + "/" + name);
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("could not read resource " + base + "/" + name, e);
            }
        }
        return new TemplatePackage(files);
    }

    /** Checks a package-relative path: no absolute paths, no {@code ..}, no empty segments. */
    public static String checkName(String name) {
        if (name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.contains(":")
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

    public byte[] manifest() {
        return files.get(MANIFEST);
    }

    public SortedMap<String, byte[]> files() {
        return files;
    }

    /** The package as a reproducible zip. */
    public byte[] toZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setMethod(ZipOutputStream.STORED);
            for (var file : files.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                byte[] content = file.getValue();
                CRC32 crc = new CRC32();
                crc.update(content);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(content.length);
                entry.setCompressedSize(content.length);
                entry.setCrc(crc.getValue());
                entry.setTime(FIXED_TIME);
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not build package zip", e);
        }
        return bytes.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
