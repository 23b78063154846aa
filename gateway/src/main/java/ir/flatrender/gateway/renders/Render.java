package ir.flatrender.gateway.renders;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/** A render as {@code identity.renders} holds it: what was ordered, its charge, its job and state. */
public record Render(
        UUID id,
        UUID tenantId,
        String idempotencyKey,
        String requestSha256,
        String templateId,
        String aspect,
        String tier,
        String bindings,
        int chargeSeconds,
        long chargeRial,
        UUID jobId,
        String state,
        String error,
        OffsetDateTime createdAt,
        OffsetDateTime finishedAt) {
    /** The states a render leaves only by settling. */
    public static final Set<String> OPEN = Set.of("submitting", "queued", "rendering");

    public boolean open() {
        return OPEN.contains(state);
    }
}
