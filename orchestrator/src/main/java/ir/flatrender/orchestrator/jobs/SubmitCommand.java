package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import java.util.Optional;
import java.util.UUID;

/**
 * A request to render, as a client sent it; {@link JobSubmitter} validates it.
 *
 * @param templateVersion 0 for the current version
 * @param fps 0 for the template's own
 * @param chunkFrames 0 for the orchestrator's default
 * @param maxAttempts 0 for the orchestrator's default
 * @param idempotencyKey empty when the client gave none
 * @param extraTiers more tiers made from the same render
 * @param audio sound mixed in at assembly
 * @param stillFormat for a snapshot: {@code png} or {@code jpeg}; the frame range is its one frame
 */
public record SubmitCommand(
        UUID tenantId,
        String templateId,
        int templateVersion,
        ObjectNode bindings,
        String aspect,
        String tier,
        Optional<FrameRange> frames,
        int fps,
        String idempotencyKey,
        int priority,
        int chunkFrames,
        int maxAttempts,
        java.util.List<String> extraTiers,
        java.util.List<AudioTrackSpec> audio,
        Optional<String> stillFormat) {
    public SubmitCommand {
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(templateId, "templateId is null");
        requireNonNull(bindings, "bindings is null");
        requireNonNull(aspect, "aspect is null");
        requireNonNull(tier, "tier is null");
        requireNonNull(frames, "frames is null");
        requireNonNull(idempotencyKey, "idempotencyKey is null");
        extraTiers = java.util.List.copyOf(requireNonNull(extraTiers, "extraTiers is null"));
        audio = java.util.List.copyOf(requireNonNull(audio, "audio is null"));
        requireNonNull(stillFormat, "stillFormat is null");
    }
}
