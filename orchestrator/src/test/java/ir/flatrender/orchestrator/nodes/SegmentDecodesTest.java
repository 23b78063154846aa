package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.storage.BlobWriter;
import ir.flatrender.orchestrator.storage.FileSystemBlobStore;
import ir.flatrender.orchestrator.testing.TestingSegments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background decodes of accepted segments: the assembler asking for a segment still queued
 * behind others' takes it over on its own thread rather than wait for the queue; one already
 * decoded is answered from the background's result.
 */
class SegmentDecodesTest {
    private static final Output OUTPUT = new Output("360p", 640, 360, "mpegts", null);

    private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofSeconds(2));
    private final Ffprobe ffprobe =
            new Ffprobe(FfmpegBinaries.locate(Optional.empty(), Optional.empty()), supervisor, new ObjectMapper());

    @TempDir
    Path work;

    @AfterEach
    void close() {
        supervisor.close();
    }

    private FileSystemBlobStore storeWith(String key, byte[] bytes) throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(work.resolve("blobs"));
        try (BlobWriter writer = blobs.create(key)) {
            writer.stream().write(bytes);
            writer.commit();
        }
        return blobs;
    }

    @Test
    void aSegmentStillQueuedIsDecodedByWhoAsks() throws Exception {
        byte[] damaged = TestingSegments.lightlyCorrupted(
                TestingSegments.segment(work.resolve("good.ts"), 30, 30, 0, TestingSegments.BT709_LIMITED));
        FileSystemBlobStore blobs = storeWith("segments/a.ts", damaged);
        // The background thread is held by another job's decode for the whole test.
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService background = Executors.newSingleThreadExecutor();
        background.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (SegmentDecodes decodes =
                new SegmentDecodes(blobs, new SegmentVerifier(ffprobe, true), work.resolve("scratch"), background)) {
            decodes.accepted("segments/a.ts", OUTPUT, 30);

            // Answered while the background thread is still held: decoded on the asking thread
            // (waiting for the queue would never end; the bound only turns a hang into a failure).
            Optional<String> problem = CompletableFuture.supplyAsync(() -> {
                        try {
                            return decodes.problem("segments/a.ts", OUTPUT, 30);
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    })
                    .get(2, TimeUnit.MINUTES);
            assertThat(problem).hasValueSatisfying(found -> assertThat(found).contains("does not decode cleanly"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSegmentDecodedInTheBackgroundIsAnsweredFromItsResult() throws Exception {
        byte[] good = TestingSegments.segment(work.resolve("good.ts"), 30, 30, 0, TestingSegments.BT709_LIMITED);
        FileSystemBlobStore blobs = storeWith("segments/b.ts", good);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (SegmentDecodes decodes =
                new SegmentDecodes(blobs, new SegmentVerifier(ffprobe, true), work.resolve("scratch"), background)) {
            decodes.accepted("segments/b.ts", OUTPUT, 30);
            assertThat(decodes.problem("segments/b.ts", OUTPUT, 30)).isEmpty();
            // And a segment it never saw (accepted elsewhere) is decoded on the spot.
            assertThat(decodes.problem("segments/b.ts", OUTPUT, 30)).isEmpty();
        }
    }
}
