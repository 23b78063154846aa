package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.work.SegmentDelivery.UploadRefused;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The third stage: uploads the attempt's files, the names from the render, sizes and digests
 * from disk. It tries again while the orchestrator is unreachable (restarting, or failing over)
 * for up to {@link #RETRY_WINDOW}, as the segment is the chunk's whole work; if the attempt was
 * taken back meanwhile, the orchestrator refuses the upload at its header.
 */
public final class UploadStage {
    private static final Logger log = LoggerFactory.getLogger(UploadStage.class);
    /** How long an upload is tried again while the orchestrator cannot be reached. */
    static final Duration RETRY_WINDOW = Duration.ofSeconds(60);
    /** Uploads that arrived damaged sent again before the attempt counts as failed. */
    static final int MAX_DAMAGED_UPLOADS = 2;

    private final SegmentDelivery upload;
    private final Supplier<String> nodeId;
    private final Duration retryWindow;

    public UploadStage(SegmentDelivery upload, Supplier<String> nodeId) {
        this(upload, nodeId, RETRY_WINDOW);
    }

    UploadStage(SegmentDelivery upload, Supplier<String> nodeId, Duration retryWindow) {
        this.upload = requireNonNull(upload, "upload is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.retryWindow = requireNonNull(retryWindow, "retryWindow is null");
    }

    /**
     * Uploads {@code files}, whose tiers are {@code tiers} in the same order, with the attempt's
     * render + encode time (which the orchestrator records with the completion).
     */
    public void upload(Assignment assignment, List<Path> files, List<String> tiers, long renderMillis)
            throws EngineException, InterruptedException {
        try {
            List<SegmentDelivery.File> described = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                described.add(new SegmentDelivery.File(tiers.get(i), Files.size(files.get(i)), sha256(files.get(i))));
            }
            sendRetrying(
                    new SegmentDelivery.Manifest(
                            assignment.chunk(), nodeId.get(), assignment.frameCount(), described, renderMillis),
                    files);
        } catch (IOException e) {
            throw new EngineException(FailureKind.UPLOAD, "upload failed: " + e.getMessage());
        } catch (UploadRefused e) {
            throw new EngineException(
                    e.reason() == UploadRefused.Reason.BAD_SEGMENT ? FailureKind.BAD_OUTPUT : FailureKind.UPLOAD,
                    "upload refused: " + e.getMessage());
        }
    }

    private void sendRetrying(SegmentDelivery.Manifest manifest, List<Path> files)
            throws IOException, UploadRefused, InterruptedException {
        Retries retries = new Retries(retryWindow);
        while (true) {
            try {
                upload.send(manifest, files);
                return;
            } catch (UploadRefused e) {
                Duration backoff = retries.after(e).orElseThrow(() -> e);
                log.info(
                        "upload of chunk {} failed ({}); trying again in {} ms",
                        manifest.chunk().chunkId(),
                        e.getMessage(),
                        backoff.toMillis());
                TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
            }
        }
    }

    /**
     * One upload's tries, by this stage's rule: after a refused send, how long to wait before
     * sending the same files again, or nothing when the refusal is final. Public so that a
     * caller without a thread to spare per upload (the benchmarks' simulated nodes, hundreds
     * of them on a few threads) waits on a timer instead, by the same rule.
     */
    public static final class Retries {
        private final long deadline;
        private int tries;
        private int damaged;

        /** Starts the window ({@link #RETRY_WINDOW}) now. */
        public Retries() {
            this(RETRY_WINDOW);
        }

        Retries(Duration window) {
            this.deadline = System.nanoTime() + window.toNanos();
        }

        public Optional<Duration> after(UploadRefused refused) {
            // DAMAGED: the bytes arrived damaged (their sha256 did not match); the files here
            // are fine, so they are sent again, a few times, rather than rendered again.
            boolean again = refused.reason() == UploadRefused.Reason.UNREACHABLE
                    ? System.nanoTime() <= deadline
                    : refused.reason() == UploadRefused.Reason.DAMAGED && ++damaged <= MAX_DAMAGED_UPLOADS;
            if (!again) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.min(5_000, 250L << Math.min(tries++, 5))));
        }
    }

    static String sha256(Path file) throws IOException {
        return com.google.common.io.Files.asByteSource(file.toFile())
                .hash(com.google.common.hash.Hashing.sha256())
                .toString();
    }
}
