package ir.flatrender.node.templates;

import java.io.IOException;
import java.io.OutputStream;

/** Where missing template packages come from: the orchestrator, over the node service. */
public interface PackageSource {
    /**
     * Writes the package's bytes from {@code offset} on to {@code out}, in order.
     *
     * @throws IOException when the transfer breaks or the orchestrator refuses it; what was
     *     written stays written, so the next call resumes after it
     */
    void copy(String sha256, long offset, OutputStream out) throws IOException;

    /** The orchestrator could not be reached (restarting, failing over): worth trying again for a while. */
    final class Unreachable extends IOException {
        private static final long serialVersionUID = 1L;

        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
