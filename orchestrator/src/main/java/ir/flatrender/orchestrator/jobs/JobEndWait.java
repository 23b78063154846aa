package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Waits, on the caller's thread, for a job to end: woken by its events, and reading the database
 * at least every second (another orchestrator may finish the job, and its events are not ours).
 */
public final class JobEndWait {
    private final Jdbi jdbi;
    private final JobEvents events;

    public JobEndWait(Jdbi jdbi, JobEvents events) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * The job once it is in a terminal state; empty when the timeout passed first.
     *
     * @param abandoned whether the waiter has gone (a cancelled call): the wait ends then, with
     *     {@link ErrorCode#UNAVAILABLE}
     */
    @SuppressWarnings("try") // the subscription is only held open, never used in the body
    public Optional<JobRow> await(UUID jobId, Duration timeout, BooleanSupplier abandoned) {
        Object changed = new Object();
        boolean[] dirty = {false};
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AutoCloseable subscription = events.subscribe(jobId, () -> {
            synchronized (changed) {
                dirty[0] = true;
                changed.notifyAll();
            }
        })) {
            while (true) {
                JobRow job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId))
                        .orElseThrow(() -> FarmException.notFound("no job " + jobId));
                if (job.jobState().isTerminal()) {
                    return Optional.of(job);
                }
                if (abandoned.getAsBoolean()) {
                    throw new FarmException(ErrorCode.UNAVAILABLE, "the caller went away");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                synchronized (changed) {
                    // A change published since the last read is not missed: it set the flag.
                    if (!dirty[0]) {
                        changed.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
                    }
                    dirty[0] = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FarmException(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (FarmException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
