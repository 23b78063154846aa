package ir.flatrender.orchestrator.repairs;

/** Frames a piece of a job covers (a chunk), inclusive: what the frame timeline checks against. */
public interface FrameSpan {
    int frameStart();

    int frameEnd();
}
