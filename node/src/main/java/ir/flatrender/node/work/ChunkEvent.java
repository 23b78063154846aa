package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.FailureKind;

/** What the worker reports about an attempt; the control stream's mapper puts it on the wire. */
public sealed interface ChunkEvent {
    ChunkKey chunk();

    /** The attempt began (before its template is fetched). */
    record Started(ChunkKey chunk) implements ChunkEvent {
        public Started {
            requireNonNull(chunk, "chunk is null");
        }
    }

    /** Frames done so far. */
    record Progress(ChunkKey chunk, int framesDone) implements ChunkEvent {
        public Progress {
            requireNonNull(chunk, "chunk is null");
        }
    }

    /**
     * The attempt ended without an upload.
     *
     * @param exitCode the failed program's exit code, or -1 when none ran
     * @param logTail the last lines the engine or encoder printed
     */
    record Failed(ChunkKey chunk, FailureKind kind, String message, String logTail, int exitCode)
            implements ChunkEvent {
        public Failed {
            requireNonNull(chunk, "chunk is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(message, "message is null");
            requireNonNull(logTail, "logTail is null");
        }
    }
}
