package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.jobs.ChunkRow;

/**
 * A chunk whose accepted output turned out wrong, found by a check before or after assembly.
 *
 * @param tier the output it was found in, or null when it is not one tier's
 * @param detectedBy {@link #SEGMENT_CHECK} or {@link #EXPORT_CHECK}
 * @param badOutput the node that made it sent a file that does not decode: recorded against it as
 *     a {@code bad_output} failure (which counts toward its quarantine), as the upload check did
 *     when it decoded; false for storage damage and misplaced frames
 */
public record FoundProblem(ChunkRow chunk, String tier, String detectedBy, String reason, boolean badOutput) {
    public static final String SEGMENT_CHECK = "segment_check";
    public static final String EXPORT_CHECK = "export_check";

    public FoundProblem {
        requireNonNull(chunk, "chunk is null");
        requireNonNull(detectedBy, "detectedBy is null");
        requireNonNull(reason, "reason is null");
        if (!detectedBy.equals(SEGMENT_CHECK) && !detectedBy.equals(EXPORT_CHECK)) {
            throw new IllegalArgumentException("detectedBy must be segment_check or export_check: " + detectedBy);
        }
    }

    public FoundProblem(ChunkRow chunk, String tier, String detectedBy, String reason) {
        this(chunk, tier, detectedBy, reason, false);
    }
}
