package ir.flatrender.node.control;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.node.encoding.EncoderProfile;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentFormat;
import ir.flatrender.node.templates.TemplateRef;
import ir.flatrender.node.work.Assignment;
import ir.flatrender.node.work.ChunkKey;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Size;
import ir.flatrender.proto.farm.v1.TemplatePackageRef;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommandMapperTest {
    private static ir.flatrender.proto.farm.v1.OutputSpec.Builder output(String tier, String format) {
        return ir.flatrender.proto.farm.v1.OutputSpec.newBuilder()
                .setTier(tier)
                .setSize(Size.newBuilder().setWidth(640).setHeight(360))
                .setFormat(format);
    }

    private static AssignChunk.Builder assign() {
        return AssignChunk.newBuilder()
                .setChunk(ChunkRef.newBuilder()
                        .setJobId("job")
                        .setChunkId("chunk")
                        .setAttempt(3))
                .setEngine("remotion")
                .setTemplate(TemplatePackageRef.newBuilder()
                        .setTemplateId("promo")
                        .setVersion(2)
                        .setSha256("ab".repeat(32))
                        .setSizeBytes(1234))
                .setComposition("Promo")
                .setAspect("9:16")
                .setFrames(FrameRange.newBuilder().setStart(30).setEnd(59))
                .setFps(30)
                .setRenderSize(Size.newBuilder().setWidth(1080).setHeight(1920))
                .setBindingsJson("{\"title\": \"سلام\"}")
                .setEncoder(ir.flatrender.proto.farm.v1.EncoderProfile.newBuilder()
                        .setCodec("libx264")
                        .setPreset("medium")
                        .setCrf(20)
                        .setPixelFormat("yuv420p")
                        .setContainer("mpegts")
                        .setProfile("high"))
                .addOutputs(output("1080p", "mpegts"))
                .addOutputs(output("360p", "mpegts").setCrf(23))
                .addOutputs(output("thumb", "jpeg"))
                .addOutputs(output("poster", "png"));
    }

    @Test
    void anAssignmentCarriesEveryPartOfTheCommand() {
        Assignment assignment = CommandMapper.assignment(assign().build());

        assertThat(assignment)
                .isEqualTo(new Assignment(
                        new ChunkKey("job", "chunk", 3),
                        Assignment.Task.FRAMES,
                        "remotion",
                        new TemplateRef("promo", 2, "ab".repeat(32), 1234),
                        "Promo",
                        "9:16",
                        30,
                        59,
                        30,
                        1080,
                        1920,
                        "{\"title\": \"سلام\"}",
                        new EncoderProfile("libx264", "medium", 20, "yuv420p", "mpegts", "high"),
                        List.of(
                                new OutputSpec("1080p", 640, 360, SegmentFormat.VIDEO, OptionalInt.empty()),
                                new OutputSpec("360p", 640, 360, SegmentFormat.VIDEO, OptionalInt.of(23)),
                                new OutputSpec("thumb", 640, 360, SegmentFormat.JPEG, OptionalInt.empty()),
                                new OutputSpec("poster", 640, 360, SegmentFormat.PNG, OptionalInt.empty()))));
        assertThat(assignment.frameCount()).isEqualTo(30);
    }

    @Test
    void anAudioTaskIsAnAudioAssignment() {
        assertThat(CommandMapper.assignment(
                                assign().setTask(ChunkTask.CHUNK_TASK_AUDIO).build())
                        .task())
                .isEqualTo(Assignment.Task.AUDIO);
    }

    @Test
    void aBadRangeIsTakenAsItComesForTheRenderToRefuse() {
        Assignment assignment = CommandMapper.assignment(
                assign().setFrames(FrameRange.newBuilder().setStart(9).setEnd(2))
                        .setBindingsJson("not json")
                        .build());

        assertThat(assignment.firstFrame()).isEqualTo(9);
        assertThat(assignment.lastFrame()).isEqualTo(2);
        assertThat(assignment.bindingsJson()).isEqualTo("not json");
    }
}
