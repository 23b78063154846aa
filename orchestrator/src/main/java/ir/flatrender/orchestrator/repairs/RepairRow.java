package ir.flatrender.orchestrator.repairs;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code render.frame_repair_jobs}: frames found wrong and rendered again. */
public record RepairRow(
        UUID id,
        UUID jobId,
        UUID chunkId,
        long attempt,
        int frameStart,
        int frameEnd,
        String tier,
        String detectedBy,
        String reason,
        String state,
        Instant createdAt,
        Instant finishedAt) {}
