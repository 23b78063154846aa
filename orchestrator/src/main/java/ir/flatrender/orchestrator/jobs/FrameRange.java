package ir.flatrender.orchestrator.jobs;

/** An inclusive range of frames. */
public record FrameRange(int start, int end) {
    public FrameRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad frame range " + start + "-" + end);
        }
    }

    public int count() {
        return end - start + 1;
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
