package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends progress at most four times a second: the frames handed to the encoder, or, while an
 * engine program is still working, the frames it says it has rendered (whichever is more).
 * Engine programs report from their output threads, hence the lock.
 */
final class ProgressReporter {
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ChunkKey chunk;
    private final Consumer<ChunkEvent> events;
    private int fed;
    private int done;
    private long lastSent = System.nanoTime();

    ProgressReporter(ChunkKey chunk, Consumer<ChunkEvent> events) {
        this.chunk = requireNonNull(chunk, "chunk is null");
        this.events = requireNonNull(events, "events is null");
    }

    synchronized void frameDone() {
        fed++;
        advance(fed);
    }

    synchronized void rendered(int frames) {
        advance(frames);
    }

    private void advance(int frames) {
        if (frames <= done) {
            return;
        }
        done = frames;
        long now = System.nanoTime();
        if (now - lastSent >= INTERVAL_NANOS) {
            lastSent = now;
            events.accept(new ChunkEvent.Progress(chunk, done));
        }
    }

    synchronized void finish(int total) {
        done = total;
        events.accept(new ChunkEvent.Progress(chunk, total));
    }
}
