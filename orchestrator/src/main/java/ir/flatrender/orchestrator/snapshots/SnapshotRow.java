package ir.flatrender.orchestrator.snapshots;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code render.snapshots}. */
public record SnapshotRow(
        String cacheKey,
        UUID jobId,
        String templateId,
        int templateVersion,
        String engine,
        String aspect,
        int frame,
        String tier,
        String format,
        int width,
        int height,
        String blobKey,
        long sizeBytes,
        long hits,
        Instant createdAt,
        Instant lastHitAt) {}
