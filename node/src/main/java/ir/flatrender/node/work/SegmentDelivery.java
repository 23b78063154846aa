package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where an attempt's files go: the orchestrator's upload call (its gRPC side is in {@code control}). */
public interface SegmentDelivery {
    /**
     * Sends {@code files}, in the manifest's order, once.
     *
     * @throws IOException when a file cannot be read
     * @throws UploadRefused when the orchestrator refused or could not be reached
     */
    void send(Manifest manifest, List<Path> files) throws IOException, UploadRefused, InterruptedException;

    /**
     * What the upload announces before its bytes.
     *
     * @param renderMillis the attempt's render + encode time, recorded with the chunk's completion
     */
    record Manifest(ChunkKey chunk, String nodeId, int frameCount, List<File> files, long renderMillis) {
        public Manifest {
            requireNonNull(chunk, "chunk is null");
            requireNonNull(nodeId, "nodeId is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
        }
    }

    /** One file of the upload: its tier ({@code audio} for sound), size and digest. */
    record File(String tier, long sizeBytes, String sha256) {
        public File {
            requireNonNull(tier, "tier is null");
            requireNonNull(sha256, "sha256 is null");
        }
    }

    /** The upload did not land. */
    final class UploadRefused extends Exception {
        private static final long serialVersionUID = 1L;

        /** What the worker does about it. */
        public enum Reason {
            /** The orchestrator could not be reached (restarting, failing over): try again for a while. */
            UNREACHABLE,
            /** The bytes arrived damaged: the files here are fine, so send them again, a few times. */
            DAMAGED,
            /** The orchestrator judged the segment itself wrong: bad output. */
            BAD_SEGMENT,
            /** Anything else: the upload failed. */
            OTHER
        }

        private final Reason reason;

        /** @param status the orchestrator's answer, as a person reads it ({@code UNAVAILABLE io exception}) */
        public UploadRefused(Reason reason, String status, Throwable cause) {
            super(status, cause);
            this.reason = requireNonNull(reason, "reason is null");
        }

        public Reason reason() {
            return reason;
        }
    }
}
