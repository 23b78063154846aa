package ir.flatrender.orchestrator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The values of a job about to be inserted; bound by name in {@link JobDao#insertJob}. */
public record NewJob(
        UUID id,
        UUID tenantId,
        String idempotencyKey,
        String requestSha256,
        String templateId,
        int templateVersion,
        String packageSha256,
        long packageBytes,
        String engine,
        String composition,
        String aspect,
        String tier,
        int renderWidth,
        int renderHeight,
        int outputWidth,
        int outputHeight,
        int fps,
        int frameStart,
        int frameEnd,
        JsonNode bindings,
        EncoderSettings encoder,
        String kind,
        List<Output> outputs,
        List<AudioTrackSpec> audio,
        int priority,
        int maxAttempts,
        int chunksTotal,
        int chunkFrames,
        String chunkPlan,
        Instant createdAt) {}
