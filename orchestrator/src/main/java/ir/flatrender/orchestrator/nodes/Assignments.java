package ir.flatrender.orchestrator.nodes;

import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.EncoderSettings;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.EncoderProfile;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.OutputSpec;
import ir.flatrender.proto.farm.v1.Size;
import ir.flatrender.proto.farm.v1.TemplatePackageRef;
import java.time.Instant;

/** Builds the assignment message of a claimed chunk. */
final class Assignments {
    private Assignments() {}

    static AssignChunk assignment(JobRow job, ChunkRow chunk, Instant leaseExpiresAt) {
        EncoderSettings encoder = job.encoder();
        return AssignChunk.newBuilder()
                .setChunk(ChunkRef.newBuilder()
                        .setChunkId(chunk.id().toString())
                        .setAttempt(chunk.attempt())
                        .setJobId(job.id().toString()))
                .setEngine(job.engine())
                .setTemplate(TemplatePackageRef.newBuilder()
                        .setTemplateId(job.templateId())
                        .setVersion(job.templateVersion())
                        .setSha256(job.packageSha256())
                        .setSizeBytes(job.packageBytes()))
                .setComposition(job.composition() == null ? "" : job.composition())
                .setAspect(job.aspect())
                .setFrames(FrameRange.newBuilder().setStart(chunk.frameStart()).setEnd(chunk.frameEnd()))
                .setFps(job.fps())
                .setRenderSize(Size.newBuilder().setWidth(job.renderWidth()).setHeight(job.renderHeight()))
                .addAllOutputs(job.outputs().stream()
                        .map(output -> {
                            OutputSpec.Builder spec = OutputSpec.newBuilder()
                                    .setTier(output.tier())
                                    .setSize(Size.newBuilder()
                                            .setWidth(output.width())
                                            .setHeight(output.height()))
                                    .setFormat(output.format());
                            if (output.crf() != null) {
                                spec.setCrf(output.crf());
                            }
                            return spec.build();
                        })
                        .toList())
                .setTask(chunk.isAudioTask() ? ChunkTask.CHUNK_TASK_AUDIO : ChunkTask.CHUNK_TASK_FRAMES)
                .setBindingsJson(job.bindings().toString())
                .setEncoder(EncoderProfile.newBuilder()
                        .setCodec(encoder.codec())
                        .setPreset(encoder.preset())
                        .setCrf(encoder.crf())
                        .setPixelFormat(encoder.pixelFormat())
                        .setContainer(encoder.container())
                        .setProfile(encoder.profile()))
                .setLeaseExpiresAtUnixMillis(leaseExpiresAt.toEpochMilli())
                .build();
    }
}
