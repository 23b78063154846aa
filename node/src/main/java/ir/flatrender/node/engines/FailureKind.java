package ir.flatrender.node.engines;

/**
 * Why a chunk attempt ended without its segments, as the node judges it. The control stream's
 * mapper turns it into the wire's {@code FailureKind}; the orchestrator decides from it whether
 * the failure counts (a cancelled attempt does not) and whether to try again.
 */
public enum FailureKind {
    /** The engine, the encoder or the node itself failed. */
    CRASH,
    /** A program made no progress or ran past its deadline. */
    HANG,
    /** The engine could not start: a missing engine, a bad assignment or template spec. */
    LAUNCH_FAILURE,
    /** The engine ran but its output is wrong: missing, extra or damaged frames. */
    BAD_OUTPUT,
    /** A program, or the node, ran out of memory; not judged deterministic. */
    OUT_OF_MEMORY,
    /** The attempt was cancelled (taken back, or the node is going away). */
    CANCELLED,
    /** The template package could not be fetched or unpacked. */
    TEMPLATE_FETCH,
    /** The segment could not be uploaded. */
    UPLOAD
}
