package ir.flatrender.orchestrator.errors;

/** The kinds of domain error, each mapped to one gRPC status code in {@link StatusMapper}. */
public enum ErrorCode {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    /** The caller's tenant does not own what it asked to change. */
    PERMISSION_DENIED,
    /** A message or upload for a chunk attempt that is no longer current (fencing). */
    STALE_ATTEMPT,
    RESOURCE_EXHAUSTED,
    /** The caller's own deadline ran out while the farm was still working on its answer. */
    DEADLINE_EXCEEDED,
    UNAVAILABLE,
    INTERNAL
}
