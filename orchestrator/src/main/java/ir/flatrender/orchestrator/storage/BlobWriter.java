package ir.flatrender.orchestrator.storage;

import java.io.IOException;
import java.io.OutputStream;

/** A blob being written. Closing it without committing discards what was written. */
public interface BlobWriter extends AutoCloseable {
    OutputStream stream();

    /** Bytes written so far. */
    long written();

    /** Lower-case hex sha256 of the bytes written so far. */
    String sha256();

    /** Makes the blob visible under its key, replacing any blob there. */
    void commit() throws IOException;

    @Override
    void close() throws IOException;
}
