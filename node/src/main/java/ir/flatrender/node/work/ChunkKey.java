package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

/** One attempt at a chunk of a job: what the node's reports and uploads are fenced by. */
public record ChunkKey(String jobId, String chunkId, long attempt) {
    public ChunkKey {
        requireNonNull(jobId, "jobId is null");
        requireNonNull(chunkId, "chunkId is null");
    }

    @Override
    public String toString() {
        return chunkId + "#" + attempt;
    }
}
