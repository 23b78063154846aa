package ir.flatrender.node.control;

import ir.flatrender.node.encoding.EncoderProfile;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentFormat;
import ir.flatrender.node.templates.TemplateRef;
import ir.flatrender.node.work.Assignment;
import ir.flatrender.node.work.ChunkKey;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.TemplatePackageRef;
import java.util.OptionalInt;

/**
 * What comes from the orchestrator, as the node's records: the one place where the wire's
 * commands become the worker's types. Values are taken as they come; a stage that cannot use
 * one fails the chunk with a reason, as it always did.
 */
public final class CommandMapper {
    private CommandMapper() {}

    public static Assignment assignment(AssignChunk assign) {
        return new Assignment(
                chunk(assign.getChunk()),
                assign.getTask() == ChunkTask.CHUNK_TASK_AUDIO ? Assignment.Task.AUDIO : Assignment.Task.FRAMES,
                assign.getEngine(),
                template(assign.getTemplate()),
                assign.getComposition(),
                assign.getAspect(),
                assign.getFrames().getStart(),
                assign.getFrames().getEnd(),
                assign.getFps(),
                assign.getRenderSize().getWidth(),
                assign.getRenderSize().getHeight(),
                assign.getBindingsJson(),
                encoder(assign.getEncoder()),
                assign.getOutputsList().stream().map(CommandMapper::output).toList());
    }

    public static ChunkKey chunk(ChunkRef ref) {
        return new ChunkKey(ref.getJobId(), ref.getChunkId(), ref.getAttempt());
    }

    public static TemplateRef template(TemplatePackageRef ref) {
        return new TemplateRef(ref.getTemplateId(), ref.getVersion(), ref.getSha256(), ref.getSizeBytes());
    }

    public static EncoderProfile encoder(ir.flatrender.proto.farm.v1.EncoderProfile profile) {
        return new EncoderProfile(
                profile.getCodec(),
                profile.getPreset(),
                profile.getCrf(),
                profile.getPixelFormat(),
                profile.getContainer(),
                profile.getProfile());
    }

    public static OutputSpec output(ir.flatrender.proto.farm.v1.OutputSpec output) {
        return new OutputSpec(
                output.getTier(),
                output.getSize().getWidth(),
                output.getSize().getHeight(),
                SegmentFormat.named(output.getFormat()),
                output.hasCrf() ? OptionalInt.of(output.getCrf()) : OptionalInt.empty());
    }
}
