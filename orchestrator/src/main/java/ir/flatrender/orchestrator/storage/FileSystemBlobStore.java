package ir.flatrender.orchestrator.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Blobs as files under one root directory; writes go to a temporary file and are renamed in.
 * Tenants' renders and templates are private: on a POSIX file system every folder is made
 * {@code rwx------} and every file {@code rw-------}, whatever the process's umask, and the root
 * is narrowed to its owner when the store opens (issue 14, case 15).
 */
public final class FileSystemBlobStore implements BlobStore {
    private static final String TEMPORARY = ".incoming";
    /** A write not committed for this long was abandoned. */
    private static final java.time.Duration STALE_AFTER = java.time.Duration.ofHours(6);

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_FOLDER =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_FILE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final boolean posix;

    private void createDirectories(Path directory) throws IOException {
        if (posix) {
            Files.createDirectories(
                    directory, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
        } else {
            Files.createDirectories(directory);
        }
    }

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        createDirectories(this.root.resolve(TEMPORARY));
        if (posix) {
            // A root made before (or by hand) is narrowed too: it is the one door to every blob.
            Files.setPosixFilePermissions(this.root, OWNER_ONLY_FOLDER);
            Files.setPosixFilePermissions(this.root.resolve(TEMPORARY), OWNER_ONLY_FOLDER);
        }
        // Leftovers of writes that never committed (a crash mid-upload). Only old ones: another
        // orchestrator sharing this store may be writing the recent ones.
        java.nio.file.attribute.FileTime before =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(STALE_AFTER));
        try (Stream<Path> stale = Files.list(this.root.resolve(TEMPORARY))) {
            for (Path file : (Iterable<Path>) stale::iterator) {
                try {
                    if (Files.getLastModifiedTime(file).compareTo(before) < 0) {
                        Files.deleteIfExists(file);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // Committed or removed meanwhile.
                }
            }
        }
    }

    public Path root() {
        return root;
    }

    private Path path(String key) {
        Path path = root.resolve(BlobKeys.check(key)).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("bad blob key: " + key);
        }
        return path;
    }

    @Override
    public BlobWriter create(String key) throws IOException {
        Path target = path(key);
        Path temporary = root.resolve(TEMPORARY).resolve(UUID.randomUUID() + ".part");
        return new FileBlobWriter(target, temporary);
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        FileChannel channel = FileChannel.open(path(key), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            return Optional.of(Files.size(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public void deleteTree(String prefix) throws IOException {
        Path directory = path(prefix);
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(file);
                } catch (DirectoryNotEmptyException e) {
                    // A blob written concurrently under the prefix stays; it is not ours to drop.
                }
            }
        }
    }

    @Override
    public String describe(String key) {
        return path(key).toString();
    }

    @Override
    public Optional<Path> localPath(String key) {
        return Optional.of(path(key));
    }

    private final class FileBlobWriter implements BlobWriter {
        private final Path target;
        private final Path temporary;
        private final FileChannel channel;
        private final MessageDigest digest;
        private final CountingStream stream;
        private boolean committed;

        FileBlobWriter(Path target, Path temporary) throws IOException {
            this.target = target;
            this.temporary = temporary;
            this.channel = posix
                    ? FileChannel.open(
                            temporary,
                            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            this.stream = new CountingStream(new DigestOutputStream(Channels.newOutputStream(channel), digest));
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public long written() {
            return stream.count;
        }

        @Override
        public String sha256() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
            }
        }

        @Override
        public void commit() throws IOException {
            stream.flush();
            channel.force(true);
            channel.close();
            createDirectories(target.getParent());
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
