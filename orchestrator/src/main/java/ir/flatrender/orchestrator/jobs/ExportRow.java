package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code render.exports}: a finished, verified video. */
public record ExportRow(
        UUID id,
        UUID jobId,
        String tier,
        String blobKey,
        long sizeBytes,
        int width,
        int height,
        int frameCount,
        long durationMillis,
        String codec,
        String thumbnailKey,
        String sha256,
        boolean hasAudio,
        Long audioDurationMillis,
        Instant createdAt) {}
