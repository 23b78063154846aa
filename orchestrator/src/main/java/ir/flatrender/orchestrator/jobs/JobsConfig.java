package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

/**
 * Defaults for jobs that do not say otherwise.
 *
 * @param defaultChunkFrames the most frames in one chunk, or 0 to size chunks from the farm's slots
 *     ({@link ChunkSizing})
 * @param defaultMaxAttempts attempts per chunk before the job fails
 * @param encoder how segments are encoded
 */
public record JobsConfig(int defaultChunkFrames, int defaultMaxAttempts, EncoderSettings encoder) {
    public static final int MAX_CHUNK_FRAMES = 10_000;
    public static final int MAX_ATTEMPTS = 10;
    /** Above every client priority (which ends at 100): previews jump ahead of queued video work. */
    public static final int SNAPSHOT_PRIORITY = 1000;

    public JobsConfig {
        requireNonNull(encoder, "encoder is null");
        if (defaultChunkFrames < 0 || defaultChunkFrames > MAX_CHUNK_FRAMES) {
            throw new IllegalArgumentException("defaultChunkFrames must be between 0 (from the farm) and "
                    + MAX_CHUNK_FRAMES + " but was " + defaultChunkFrames);
        }
        if (defaultMaxAttempts < 1 || defaultMaxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException(
                    "defaultMaxAttempts must be between 1 and " + MAX_ATTEMPTS + " but was " + defaultMaxAttempts);
        }
    }

    /** Chunks sized from the farm, 3 attempts, the default encoder. */
    public static JobsConfig defaults() {
        return new JobsConfig(0, 3, EncoderSettings.DEFAULT);
    }

    /** The defaults with every job's chunks of one size unless its request says otherwise. */
    public static JobsConfig fixedChunks(int chunkFrames) {
        return new JobsConfig(chunkFrames, 3, EncoderSettings.DEFAULT);
    }

    /** Whether jobs that do not fix their chunk size get one chosen from the farm's slots. */
    public boolean chunksFromFarm() {
        return defaultChunkFrames == 0;
    }
}
