package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.proto.farm.v1.SegmentFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an upload's files once they are stored, before the chunk may be done: each is read
 * where it lies (a local blob store's own file, or a scratch copy of another store's) and judged
 * by the {@link SegmentVerifier} (codec, size, frame count and times, colour tags; a still's
 * picture; an audio task's sound), and decodes one in full after it was accepted.
 */
final class StoredSegmentChecks {
    private final BlobStore blobs;
    private final SegmentVerifier verifier;
    private final Path scratch;

    StoredSegmentChecks(BlobStore blobs, SegmentVerifier verifier, Path scratch) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    /** The first problem of an upload's stored files ({@link SegmentVerifier}), none when all pass. */
    Optional<String> problem(ChunkRow chunk, JobRow job, List<SegmentFile> files, Map<String, String> keys)
            throws IOException {
        int frames = chunk.frameEnd() - chunk.frameStart() + 1;
        for (SegmentFile file : files) {
            String key = keys.get(file.getTier());
            Optional<String> problem = withLocalFile(
                    key,
                    path -> chunk.isAudioTask()
                            ? verifier.audioProblem(path)
                            : verifier.problem(
                                    path, job.output(file.getTier()), chunk.frameStart(), frames, job.fps()));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** What decoding a stored video segment in full finds wrong ({@link SegmentVerifier#decodeProblem}). */
    Optional<String> decodeProblem(String key, Output output, int frames) throws IOException {
        return withLocalFile(key, path -> verifier.decodeProblem(path, output, frames));
    }

    private Optional<String> withLocalFile(String key, java.util.function.Function<Path, Optional<String>> check)
            throws IOException {
        Optional<Path> local = blobs.localPath(key);
        if (local.isPresent()) {
            return check.apply(local.get());
        }
        Path copy = Files.createTempFile(scratch, "segment-", ".bin");
        try (InputStream in = blobs.open(key, 0)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return check.apply(copy);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
