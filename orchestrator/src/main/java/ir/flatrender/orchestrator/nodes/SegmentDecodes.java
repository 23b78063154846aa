package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.storage.BlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes accepted segments in full, off the upload's path. An upload is checked by its packets
 * (codec, size, one packet a frame at its place, colour tags) and its checksum, which is cheap;
 * decoding every frame to find a damaged one costs ten times that and, on the upload's path,
 * held the node's next chunk back. So each accepted segment is decoded here, one at a time on a
 * thread of its own, while the farm renders on, and the assembler asks for the result before it
 * joins a job's segments: a segment that does not decode cleanly is rendered again by the repair
 * path, like one whose bytes changed. A segment this orchestrator did not decode (accepted before
 * a restart, or by another orchestrator) is decoded when it is asked for, and so is one still
 * queued behind other segments when it is asked for: the asking thread takes it over rather than
 * wait for the queue, so a job's assembly never waits on other jobs' decodes.
 */
public final class SegmentDecodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentDecodes.class);
    /** Results kept for the assembler at most; past it, finished ones are dropped and decoded again. */
    static final int MAX_KEPT = 4096;

    private final StoredSegmentChecks checks;
    private final boolean enabled;
    private final ExecutorService decoder;
    private final ConcurrentMap<String, Decode> decodes = new ConcurrentHashMap<>();

    /** One segment's decode: whoever takes it first (the background thread or an asker) runs it. */
    private record Decode(AtomicBoolean taken, CompletableFuture<Optional<String>> result) {
        Decode() {
            this(new AtomicBoolean(), new CompletableFuture<>());
        }

        boolean take() {
            return taken.compareAndSet(false, true);
        }
    }

    public SegmentDecodes(BlobStore blobs, SegmentVerifier verifier, Path scratch) {
        this(
                blobs,
                verifier,
                scratch,
                Executors.newSingleThreadExecutor(new ThreadFactoryBuilder()
                        .setNameFormat("segment-decode")
                        .setDaemon(true)
                        .setPriority(Thread.MIN_PRIORITY)
                        .build()));
    }

    /** With the background decodes on {@code decoder} (closed with this). */
    SegmentDecodes(BlobStore blobs, SegmentVerifier verifier, Path scratch, ExecutorService decoder) {
        this.checks = new StoredSegmentChecks(blobs, verifier, scratch);
        this.enabled = verifier.enabled();
        this.decoder = requireNonNull(decoder, "decoder is null");
    }

    /** The checks an upload runs before its chunk may be done. */
    StoredSegmentChecks checks() {
        return checks;
    }

    /** Starts decoding an accepted chunk's video segments (its files by tier) in the background. */
    void accepted(ChunkRow chunk, JobRow job, Map<String, String> keys) {
        if (!chunk.isAudioTask()) {
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            keys.forEach((tier, key) -> accepted(key, job.output(tier), frames));
        }
    }

    /** Starts decoding an accepted video segment in the background. */
    void accepted(String key, Output output, int frames) {
        if (!enabled || output.still()) {
            return;
        }
        if (decodes.size() >= MAX_KEPT) {
            decodes.values().removeIf(decode -> decode.result().isDone());
            if (decodes.size() >= MAX_KEPT) {
                return;
            }
        }
        decodes.computeIfAbsent(key, k -> {
            Decode decode = new Decode();
            decoder.execute(() -> {
                if (decode.take()) {
                    run(decode, k, output, frames);
                }
            });
            return decode;
        });
    }

    /**
     * Empty when the stored segment decodes cleanly with the frames its packets promised, else
     * what is wrong: the background's answer when it decoded it (waited for if still decoding),
     * else decoded now.
     */
    public Optional<String> problem(String key, Output output, int frames) throws IOException, InterruptedException {
        if (!enabled || output.still()) {
            return Optional.empty();
        }
        Decode started = decodes.remove(key);
        if (started != null && !started.take()) {
            try {
                return started.result().get();
            } catch (ExecutionException | CancellationException e) {
                log.debug("decoding {} in the background failed; decoding it again: {}", key, e.getCause());
            }
        }
        // Never queued here, or still queued (taken over now: the background thread skips it).
        return decodeNow(key, output, frames);
    }

    /** Decodes in this thread; an interrupt (a shutdown) is not the segment's fault, so it is thrown. */
    private Optional<String> decodeNow(String key, Output output, int frames) throws IOException, InterruptedException {
        Optional<String> problem = checks.decodeProblem(key, output, frames);
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while segment " + key + " was decoded");
        }
        return problem;
    }

    private void run(Decode decode, String key, Output output, int frames) {
        // Always completed, so that whoever waits on it is never left waiting: exceptionally,
        // it is decoded again by whoever asks.
        try {
            decode.result().complete(decodeNow(key, output, frames));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            decode.result().completeExceptionally(e);
        } catch (IOException | RuntimeException e) {
            decode.result().completeExceptionally(e);
        } catch (Error e) {
            decode.result().completeExceptionally(e);
            throw e;
        }
    }

    @Override
    public void close() {
        // Whoever waits on a decode that will not run now decodes it (or sees the interrupt).
        decodes.values().forEach(decode -> decode.result().cancel(false));
        decoder.shutdownNow();
        try {
            decoder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
