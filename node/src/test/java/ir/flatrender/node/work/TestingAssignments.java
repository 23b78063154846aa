package ir.flatrender.node.work;

import ir.flatrender.node.encoding.EncoderProfile;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentFormat;
import ir.flatrender.node.templates.TemplateRef;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/** Assignments for the stages' tests: ten frames of a 320x180 timeline chunk, one 360p output. */
final class TestingAssignments {
    static final EncoderProfile PROFILE = new EncoderProfile("libx264", "veryfast", 18, "yuv420p", "mpegts", "high");
    static final OutputSpec OUTPUT = new OutputSpec("360p", 320, 180, SegmentFormat.VIDEO, OptionalInt.empty());

    private TestingAssignments() {}

    static ChunkKey chunk() {
        return new ChunkKey(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1);
    }

    static Assignment frames(TemplateRef template, List<OutputSpec> outputs) {
        return new Assignment(
                chunk(),
                Assignment.Task.FRAMES,
                "timeline",
                template,
                "",
                "16:9",
                0,
                9,
                30,
                320,
                180,
                "{}",
                PROFILE,
                outputs);
    }

    static Assignment frames() {
        return frames(new TemplateRef("card", 1, "0".repeat(64), 1), List.of(OUTPUT));
    }

    static Assignment audio() {
        Assignment frames = frames();
        return new Assignment(
                frames.chunk(),
                Assignment.Task.AUDIO,
                frames.engine(),
                frames.template(),
                frames.composition(),
                frames.aspect(),
                frames.firstFrame(),
                frames.lastFrame(),
                frames.fps(),
                frames.renderWidth(),
                frames.renderHeight(),
                frames.bindingsJson(),
                frames.encoder(),
                List.of());
    }
}
