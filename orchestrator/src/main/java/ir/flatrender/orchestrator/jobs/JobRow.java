package ir.flatrender.orchestrator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.json.Json;

/**
 * One row of {@code render.render_jobs}, with its chunk counts.
 *
 * @param chunkFrames the most frames of its chunks (0 for a job made before it was kept)
 * @param chunkPlan why its chunks have that size ({@link ChunkSizing}); empty for older jobs
 */
public record JobRow(
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
        @Json JsonNode bindings,
        @Json EncoderSettings encoder,
        String kind,
        @Json List<Output> outputs,
        @Json List<AudioTrackSpec> audio,
        int priority,
        int maxAttempts,
        int chunksTotal,
        int chunksDone,
        int framesDone,
        String state,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int chunkFrames,
        String chunkPlan) {
    public JobState jobState() {
        return JobState.fromDb(state);
    }

    public JobKind jobKind() {
        return JobKind.fromDb(kind);
    }

    public boolean isSnapshot() {
        return jobKind() == JobKind.SNAPSHOT;
    }

    /** The job's own output: the tier it was asked for. */
    public Output primaryOutput() {
        return outputs.get(0);
    }

    /** The output of one tier the job makes. */
    public Output output(String tier) {
        return outputs.stream().filter(o -> o.tier().equals(tier)).findFirst().orElseThrow();
    }

    public int totalFrames() {
        return frameEnd - frameStart + 1;
    }
}
