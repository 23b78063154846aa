package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.encoding.EncoderProfile;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.templates.TemplateRef;
import java.util.List;

/**
 * A chunk attempt the orchestrator gave this node, as the worker's stages read it. Built from
 * the wire's {@code AssignChunk} by the control stream's mapper; it is not checked here beyond
 * its parts being present, so that a bad assignment is reported as the chunk's failure by the
 * stage that cannot use it, as before.
 *
 * @param engine the engine's name ({@code timeline}, {@code remotion}, {@code aftereffects})
 * @param composition the engine composition, or empty
 * @param firstFrame the first frame (inclusive)
 * @param lastFrame the last frame (inclusive)
 * @param renderWidth the width the engine draws at (outputs are scaled from it)
 * @param bindingsJson the job's complete bindings, as JSON
 * @param encoder how video outputs are encoded (unused by an audio task)
 * @param outputs the files to make, one per tier (none for an audio task)
 */
public record Assignment(
        ChunkKey chunk,
        Task task,
        String engine,
        TemplateRef template,
        String composition,
        String aspect,
        int firstFrame,
        int lastFrame,
        int fps,
        int renderWidth,
        int renderHeight,
        String bindingsJson,
        EncoderProfile encoder,
        List<OutputSpec> outputs) {
    /** What the chunk makes. */
    public enum Task {
        /** Frames, encoded into a segment per output. */
        FRAMES,
        /** The composition's own sound for the whole range, as one WAV. */
        AUDIO
    }

    public Assignment {
        requireNonNull(chunk, "chunk is null");
        requireNonNull(task, "task is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(template, "template is null");
        requireNonNull(composition, "composition is null");
        requireNonNull(aspect, "aspect is null");
        requireNonNull(bindingsJson, "bindingsJson is null");
        requireNonNull(encoder, "encoder is null");
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }

    /** The frames the chunk covers, as the range's own ends say (not checked). */
    public int frameCount() {
        return lastFrame - firstFrame + 1;
    }
}
