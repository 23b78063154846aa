package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/** A chunk about to be inserted with its job. */
public record NewChunk(
        UUID id,
        UUID jobId,
        int seq,
        int frameStart,
        int frameEnd,
        String engine,
        int priority,
        Instant jobCreatedAt) {}
