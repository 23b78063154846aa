package ir.flatrender.orchestrator.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkState;
import ir.flatrender.orchestrator.jobs.ExportRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobView;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.Export;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.Size;
import java.time.Instant;

/** Converts jobs between the domain and the wire. */
final class JobMapper {
    private JobMapper() {}

    static Job toProto(JobView view, BlobStore blobs) {
        JobRow job = view.job();
        Job.Builder proto = Job.newBuilder()
                .setId(job.id().toString())
                .setTenantId(job.tenantId().toString())
                .setTemplateId(job.templateId())
                .setTemplateVersion(job.templateVersion())
                .setEngine(job.engine())
                .setAspect(job.aspect())
                .setTier(job.tier())
                .setOutputSize(Size.newBuilder().setWidth(job.outputWidth()).setHeight(job.outputHeight()))
                .setFps(job.fps())
                .setFrames(FrameRange.newBuilder().setStart(job.frameStart()).setEnd(job.frameEnd()))
                .setState(toProto(job.jobState()))
                .setPriority(job.priority())
                .setTotalFrames(job.totalFrames())
                .setFramesDone(view.framesDone())
                .setChunksTotal(job.chunksTotal())
                .setChunksDone(job.chunksDone())
                .setChunkFrames(job.chunkFrames())
                .setChunkPlan(job.chunkPlan())
                .setError(job.error() == null ? "" : job.error())
                .setWaitingReason(view.waitingReason())
                .addAllWarnings(ir.flatrender.orchestrator.jobs.JobWarnings.of(job))
                .setBindings(struct(job.bindings().toString()));
        timestamp(job.createdAt()).ifPresent(proto::setCreatedAt);
        timestamp(job.startedAt()).ifPresent(proto::setStartedAt);
        timestamp(job.finishedAt()).ifPresent(proto::setFinishedAt);
        view.export().ifPresent(export -> proto.setExport(toProto(export, blobs)));
        view.exports().forEach(export -> proto.addExports(toProto(export, blobs)));
        job.outputs().stream().skip(1).forEach(output -> proto.addExtraTiers(output.tier()));
        job.audio()
                .forEach(track -> proto.addAudio(ir.flatrender.proto.farm.v1.AudioTrack.newBuilder()
                        .setRole(track.role())
                        .setSource(track.source().startsWith("data:") ? "data:…" : track.source())
                        .setVolume(track.volume())
                        .setStartSeconds(track.startSeconds())));
        for (ChunkRow chunk : view.chunks()) {
            proto.addChunks(toProto(chunk));
        }
        for (ir.flatrender.orchestrator.repairs.RepairRow repair : view.repairs()) {
            ir.flatrender.proto.farm.v1.FrameRepair.Builder row = ir.flatrender.proto.farm.v1.FrameRepair.newBuilder()
                    .setChunkId(repair.chunkId().toString())
                    .setAttempt(repair.attempt())
                    .setFrames(FrameRange.newBuilder()
                            .setStart(repair.frameStart())
                            .setEnd(repair.frameEnd()))
                    .setTier(repair.tier() == null ? "" : repair.tier())
                    .setDetectedBy(repair.detectedBy())
                    .setReason(repair.reason())
                    .setState(repair.state());
            timestamp(repair.createdAt()).ifPresent(row::setCreatedAt);
            timestamp(repair.finishedAt()).ifPresent(row::setFinishedAt);
            proto.addRepairs(row);
        }
        return proto.build();
    }

    static Export toProto(ExportRow export, BlobStore blobs) {
        return Export.newBuilder()
                .setId(export.id().toString())
                .setLocation(blobs.describe(export.blobKey()))
                .setSizeBytes(export.sizeBytes())
                .setSize(Size.newBuilder().setWidth(export.width()).setHeight(export.height()))
                .setFrameCount(export.frameCount())
                .setDurationMillis(export.durationMillis())
                .setCodec(export.codec())
                .setThumbnailLocation(blobs.describe(export.thumbnailKey()))
                .setSha256(export.sha256())
                .setTier(export.tier())
                .setHasAudio(export.hasAudio())
                .setAudioDurationMillis(export.audioDurationMillis() == null ? 0 : export.audioDurationMillis())
                .build();
    }

    static Chunk toProto(ChunkRow chunk) {
        Chunk.Builder proto = Chunk.newBuilder()
                .setId(chunk.id().toString())
                .setSeq(chunk.seq())
                .setFrames(FrameRange.newBuilder().setStart(chunk.frameStart()).setEnd(chunk.frameEnd()))
                .setState(toProto(chunk.chunkState()))
                .setAttempt(chunk.attempt())
                .setNodeId(chunk.nodeId() == null ? "" : chunk.nodeId().toString())
                .setNodeName(chunk.nodeName() == null ? "" : chunk.nodeName())
                .setFramesDone(chunk.framesDone())
                .setError(chunk.error() == null ? "" : chunk.error())
                .setTask(chunk.isAudioTask() ? ChunkTask.CHUNK_TASK_AUDIO : ChunkTask.CHUNK_TASK_FRAMES);
        timestamp(chunk.startedAt()).ifPresent(proto::setStartedAt);
        timestamp(chunk.finishedAt()).ifPresent(proto::setFinishedAt);
        return proto.build();
    }

    static ir.flatrender.proto.farm.v1.JobState toProto(JobState state) {
        return switch (state) {
            case QUEUED -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_QUEUED;
            case RUNNING -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_RUNNING;
            case ASSEMBLING -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_ASSEMBLING;
            case SUCCEEDED -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_SUCCEEDED;
            case FAILED -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_FAILED;
            case CANCELLED -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_CANCELLED;
            case PAUSED -> ir.flatrender.proto.farm.v1.JobState.JOB_STATE_PAUSED;
        };
    }

    static JobState fromProto(ir.flatrender.proto.farm.v1.JobState state) {
        return switch (state) {
            case JOB_STATE_QUEUED -> JobState.QUEUED;
            case JOB_STATE_RUNNING -> JobState.RUNNING;
            case JOB_STATE_ASSEMBLING -> JobState.ASSEMBLING;
            case JOB_STATE_SUCCEEDED -> JobState.SUCCEEDED;
            case JOB_STATE_FAILED -> JobState.FAILED;
            case JOB_STATE_CANCELLED -> JobState.CANCELLED;
            case JOB_STATE_PAUSED -> JobState.PAUSED;
            case JOB_STATE_UNSPECIFIED, UNRECOGNIZED ->
                throw new IllegalArgumentException("unknown job state " + state);
        };
    }

    static ir.flatrender.proto.farm.v1.ChunkState toProto(ChunkState state) {
        return switch (state) {
            case PENDING -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_PENDING;
            case ASSIGNED -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_ASSIGNED;
            case RUNNING -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_RUNNING;
            case DONE -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_DONE;
            case FAILED -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_FAILED;
            case DEAD -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_DEAD;
            case CANCELLED -> ir.flatrender.proto.farm.v1.ChunkState.CHUNK_STATE_CANCELLED;
        };
    }

    static String json(Struct struct) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("bindings cannot be written as JSON", e);
        }
    }

    private static Struct struct(String json) {
        Struct.Builder builder = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored bindings are not a JSON object", e);
        }
        return builder.build();
    }

    static java.util.Optional<Timestamp> timestamp(Instant instant) {
        if (instant == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build());
    }
}
