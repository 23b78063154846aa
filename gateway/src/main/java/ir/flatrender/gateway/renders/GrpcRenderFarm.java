package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.util.Optional;
import java.util.UUID;

/** {@link RenderFarm} over the orchestrator's gRPC API: where the render orders' proto stops. */
public final class GrpcRenderFarm implements RenderFarm {
    private final FarmClient farm;

    public GrpcRenderFarm(FarmClient farm) {
        this.farm = requireNonNull(farm, "farm is null");
    }

    /** The gateway's name for a job's state. */
    public static Optional<String> stateOf(JobState state) {
        return switch (state) {
            case JOB_STATE_QUEUED, JOB_STATE_PAUSED -> Optional.of("queued");
            case JOB_STATE_RUNNING, JOB_STATE_ASSEMBLING -> Optional.of("rendering");
            case JOB_STATE_SUCCEEDED -> Optional.of("succeeded");
            case JOB_STATE_FAILED -> Optional.of("failed");
            case JOB_STATE_CANCELLED -> Optional.of("cancelled");
            default -> Optional.empty();
        };
    }

    /** Bindings as the farm takes them; a validation problem when they are no JSON object. */
    static Struct struct(com.fasterxml.jackson.databind.JsonNode bindings) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(bindings.toString(), struct);
        } catch (InvalidProtocolBufferException e) {
            throw Problem.invalidField("bindings", "must be a JSON object: " + e.getMessage());
        }
        return struct.build();
    }

    @Override
    public Optional<TemplateLength> template(String templateId) {
        return farm.template(templateId).map(t -> new TemplateLength(t.getId(), t.getFps(), t.getDurationFrames()));
    }

    @Override
    public UUID submit(Job job) {
        return UUID.fromString(farm.submit(SubmitJobRequest.newBuilder()
                        .setTenantId(job.tenantId().toString())
                        .setTemplateId(job.templateId())
                        .setAspect(job.aspect())
                        .setTier(job.tier())
                        .setBindings(struct(job.bindings()))
                        .setIdempotencyKey(job.idempotencyKey())
                        .build())
                .getId());
    }

    @Override
    public JobStatus status(UUID tenantId, UUID jobId) {
        ir.flatrender.proto.farm.v1.Job job = farm.get(tenantId.toString(), jobId.toString());
        return new JobStatus(stateOf(job.getState()), job.getError());
    }
}
