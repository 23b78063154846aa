package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
        int maxAttempts) {
    public SubmitCommand {
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(templateId, "templateId is null");
        requireNonNull(bindings, "bindings is null");
        requireNonNull(aspect, "aspect is null");
        requireNonNull(tier, "tier is null");
        requireNonNull(frames, "frames is null");
        requireNonNull(idempotencyKey, "idempotencyKey is null");
    }
}
