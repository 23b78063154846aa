package ir.flatrender.orchestrator.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where the orchestrator keeps bytes: template packages, segments and exports. Keys are
 * relative slash-separated names ({@code segments/<job>/<seq>-<attempt>.ts}); a key never
 * escapes the store. Writes become visible atomically on commit.
 */
public interface BlobStore extends AutoCloseable {
    /** The object store, when there is one; otherwise files under {@code directory}. */
    static BlobStore open(Optional<S3Settings> objectStore, java.nio.file.Path directory) throws IOException {
        return objectStore.isPresent() ? S3BlobStore.open(objectStore.get()) : new FileSystemBlobStore(directory);
    }

    /** Starts writing a blob; nothing is visible under the key until {@link BlobWriter#commit()}. */
    BlobWriter create(String key) throws IOException;

    /** Opens a blob for reading from the given byte offset. */
    InputStream open(String key, long offset) throws IOException;

    /**
     * Opens a blob for reading {@code length} bytes from the given offset (the stream may hold
     * more; a store that fetches over a network fetches only these).
     */
    default InputStream open(String key, long offset, long length) throws IOException {
        return open(key, offset);
    }

    /** The blob's size in bytes, or empty when there is none. */
    Optional<Long> size(String key) throws IOException;

    void delete(String key) throws IOException;

    /** Deletes every blob whose key starts with the prefix followed by a slash. */
    void deleteTree(String prefix) throws IOException;

    /** A human-readable location of the blob, e.g. a path on disk. */
    String describe(String key);

    /** The blob as a local file, when the store keeps it on this machine's disk. */
    Optional<java.nio.file.Path> localPath(String key);

    /**
     * A URL from which anyone holding it may download the blob, for {@code validFor}, saved under
     * {@code fileName}; empty when the store cannot make one (a store on a local disk).
     */
    default Optional<java.net.URI> presignedDownload(String key, java.time.Duration validFor, String fileName) {
        return Optional.empty();
    }

    /** Lets go of its connections, if it holds any. */
    @Override
    default void close() {}
}
