package ir.flatrender.node.work;

import ir.flatrender.node.encoding.SegmentEncoder;

/**
 * Whether an attempt was cancelled, and why; cancelling kills the attempt's encoder (its whole
 * process tree) if it has one. The worker also interrupts the attempt's thread.
 */
public final class Cancellation {
    private volatile boolean cancelled;
    private volatile String reason = "";
    private volatile SegmentEncoder encoder;

    public boolean isCancelled() {
        return cancelled;
    }

    public String reason() {
        return reason;
    }

    public void cancel(String why) {
        reason = why;
        cancelled = true;
        SegmentEncoder current = encoder;
        if (current != null) {
            current.kill(why);
        }
    }

    /** The attempt's encoder, now started: killed at once if the attempt was cancelled meanwhile. */
    void attach(SegmentEncoder started) {
        encoder = started;
        if (cancelled) {
            // Cancelled between the check and the start: cancel() saw no encoder.
            started.kill(reason);
        }
    }
}
