package ir.flatrender.tools.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shows a job's progress: on a terminal, one bar redrawn in place; otherwise (a pipe, a log
 * file, a test) plain lines, at most one a second and on every change of state, with no
 * control characters.
 */
public final class ProgressPrinter {
    private static final int BAR_WIDTH = 30;
    private static final long PLAIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter out;
    private final boolean interactive;
    private long lastPlainNanos;
    private String lastState = "";
    private String lastWaiting = "";
    private int lastLineLength;

    public ProgressPrinter(PrintWriter out, boolean interactive) {
        this.out = requireNonNull(out, "out is null");
        this.interactive = interactive;
    }

    public void update(JobProgress progress) {
        Job job = progress.getJob();
        String state = state(job);
        String line = line(progress);
        // Once per change, on a line of its own: a job no node can take says so, not a 0 % bar.
        if (!job.getWaitingReason().equals(lastWaiting)) {
            lastWaiting = job.getWaitingReason();
            if (!lastWaiting.isEmpty()) {
                if (interactive && lastLineLength > 0) {
                    out.println();
                    lastLineLength = 0;
                }
                out.println("waiting: " + lastWaiting);
                out.flush();
            }
        }
        if (interactive) {
            String padded = line + " ".repeat(Math.max(0, lastLineLength - line.length()));
            out.print("\r" + padded);
            out.flush();
            lastLineLength = line.length();
        } else {
            long now = System.nanoTime();
            if (!state.equals(lastState) || now - lastPlainNanos >= PLAIN_INTERVAL_NANOS) {
                out.println(line);
                out.flush();
                lastPlainNanos = now;
            }
        }
        lastState = state;
    }

    /** Ends the progress display, leaving the cursor on a fresh line. */
    public void finish() {
        if (interactive && lastLineLength > 0) {
            out.println();
            out.flush();
        }
    }

    static String line(JobProgress progress) {
        Job job = progress.getJob();
        int total = Math.max(1, job.getTotalFrames());
        int done = Math.min(job.getFramesDone(), total);
        int filled = (int) ((long) BAR_WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        String eta = progress.getEtaMillis() < 0 ? "--:--" : clock(progress.getEtaMillis());
        return String.format(
                Locale.ROOT,
                "[%s] %3d%%  %d/%d frames  %.1f fps  ETA %s  chunks %d/%d  %s",
                bar,
                done * 100 / total,
                done,
                job.getTotalFrames(),
                progress.getFramesPerSecond(),
                eta,
                job.getChunksDone(),
                job.getChunksTotal(),
                state(job));
    }

    static String state(Job job) {
        return job.getState().name().replace("JOB_STATE_", "").toLowerCase(Locale.ROOT);
    }

    static String clock(long millis) {
        long seconds = (millis + 999) / 1000;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
