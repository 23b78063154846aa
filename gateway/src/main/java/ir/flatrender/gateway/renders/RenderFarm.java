package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.UUID;

/**
 * What render orders need of the farm, in the gateway's own terms: a template's length to
 * price it, a job submitted for it, and where a job stands to settle it. The farm's refusals
 * and failures arrive as {@link ir.flatrender.gateway.http.Problem}s.
 */
public interface RenderFarm {
    /** A template as far as pricing goes. */
    record TemplateLength(String id, int fps, int durationFrames) {
        public TemplateLength {
            requireNonNull(id, "id is null");
        }

        public double seconds() {
            return durationFrames / (double) fps;
        }
    }

    /** A job to render; {@code idempotencyKey} makes a retried submit the same job. */
    record Job(
            UUID tenantId, String templateId, String aspect, String tier, ObjectNode bindings, String idempotencyKey) {
        public Job {
            requireNonNull(tenantId, "tenantId is null");
            requireNonNull(templateId, "templateId is null");
            requireNonNull(aspect, "aspect is null");
            requireNonNull(tier, "tier is null");
            requireNonNull(bindings, "bindings is null");
            requireNonNull(idempotencyKey, "idempotencyKey is null");
        }
    }

    /**
     * Where a job stands: the render's state it means (empty for a state the gateway has no name
     * for), and the farm's error, empty when none.
     */
    record JobStatus(Optional<String> state, String error) {
        public JobStatus {
            requireNonNull(state, "state is null");
            requireNonNull(error, "error is null");
        }
    }

    Optional<TemplateLength> template(String templateId);

    /** Submits {@code job}; answers the farm's job id. */
    UUID submit(Job job);

    JobStatus status(UUID tenantId, UUID jobId);
}
