package ir.flatrender.orchestrator.nodes;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * a restart, or by another orchestrator) is decoded when it is asked for.
 */
public final class SegmentDecodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentDecodes.class);
    /** Results kept for the assembler at most; past it, finished ones are dropped and decoded again. */
    static final int MAX_KEPT = 4096;

    private final StoredSegmentChecks checks;
    private final boolean enabled;
    private final ExecutorService decoder;
    private final ConcurrentMap<String, CompletableFuture<Optional<String>>> decodes = new ConcurrentHashMap<>();

    public SegmentDecodes(BlobStore blobs, SegmentVerifier verifier, Path scratch) {
        this.checks = new StoredSegmentChecks(blobs, verifier, scratch);
        this.enabled = verifier.enabled();
        this.decoder = Executors.newSingleThreadExecutor(new ThreadFactoryBuilder()
                .setNameFormat("segment-decode")
                .setDaemon(true)
                .setPriority(Thread.MIN_PRIORITY)
                .build());
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
            decodes.values().removeIf(CompletableFuture::isDone);
            if (decodes.size() >= MAX_KEPT) {
                return;
            }
        }
        decodes.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> decode(k, output, frames), decoder));
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
        CompletableFuture<Optional<String>> started = decodes.remove(key);
        if (started != null) {
            try {
                return started.get();
            } catch (ExecutionException | CancellationException e) {
                log.debug("decoding {} in the background failed; decoding it again: {}", key, e.getCause());
            }
        }
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

    private Optional<String> decode(String key, Output output, int frames) {
        try {
            return decodeNow(key, output, frames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            // Completes the task exceptionally: whoever asks decodes it again.
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // Whoever waits on a decode that will not run now decodes it (or sees the interrupt).
        decodes.values().forEach(decode -> decode.cancel(false));
        decoder.shutdownNow();
        try {
            decoder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
