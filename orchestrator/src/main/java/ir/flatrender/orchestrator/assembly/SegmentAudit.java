package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.nodes.SegmentDecodes;
import ir.flatrender.orchestrator.repairs.FrameTimeline;
import ir.flatrender.orchestrator.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a job's accepted segments before they are joined, and the joined export after: that the
 * stored bytes are still those accepted, that they decode cleanly, and that every frame is where
 * its chunk's range puts it
 * ({@link FrameTimeline}). What it finds is traced to the chunks that made it.
 */
final class SegmentAudit {
    private final BlobStore blobs;
    private final Ffprobe ffprobe;
    private final SegmentDecodes decodes;

    SegmentAudit(BlobStore blobs, Ffprobe ffprobe, SegmentDecodes decodes) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
        this.decodes = requireNonNull(decodes, "decodes is null");
    }

    /**
     * The video segments that do not decode cleanly: accepted by their packets, each was decoded
     * in full in the background since ({@link SegmentDecodes}); what is not done yet is waited
     * for, what was never started is decoded now.
     */
    List<FoundProblem> undecodable(JobRow job, List<ChunkRow> chunks, List<SegmentRow> segments)
            throws IOException, InterruptedException {
        List<FoundProblem> problems = new ArrayList<>();
        for (SegmentRow segment : segments) {
            ChunkRow chunk = chunkOf(chunks, segment);
            if (chunk.isAudioTask()) {
                continue;
            }
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            decodes.problem(segment.blobKey(), job.output(segment.tier()), frames)
                    .ifPresent(reason -> problems.add(
                            new FoundProblem(chunk, segment.tier(), FoundProblem.SEGMENT_CHECK, reason, true)));
        }
        return problems;
    }

    /** The stored files whose bytes are no longer those accepted (disk or storage corruption). */
    List<FoundProblem> changedSegments(List<ChunkRow> chunks, List<SegmentRow> segments) throws IOException {
        List<FoundProblem> problems = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        for (SegmentRow segment : segments) {
            String reason;
            try (InputStream in = blobs.open(segment.blobKey(), 0)) {
                MessageDigest digest = sha256();
                long size = 0;
                int read;
                while ((read = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, read);
                    size += read;
                }
                String sha256 = HexFormat.of().formatHex(digest.digest());
                reason = sha256.equals(segment.sha256()) && size == segment.sizeBytes()
                        ? null
                        : "its stored " + segment.tier() + " segment changed after it was accepted (" + size
                                + " bytes, sha256 " + sha256.substring(0, 12) + "…; accepted " + segment.sizeBytes()
                                + " bytes, " + segment.sha256().substring(0, 12) + "…)";
            } catch (java.nio.file.NoSuchFileException e) {
                reason = "its stored " + segment.tier() + " segment is gone";
            }
            if (reason != null) {
                ChunkRow chunk = chunkOf(chunks, segment);
                problems.add(new FoundProblem(chunk, segment.tier(), FoundProblem.SEGMENT_CHECK, reason));
            }
        }
        return problems;
    }

    /**
     * Frames of the joined export not where they were planned, traced to their chunks, from the
     * export's video packet times in file order.
     */
    static List<FoundProblem> misplacedInExport(
            JobRow job, Output output, List<ChunkRow> chunks, List<Double> videoPacketTimes) {
        Map<ChunkRow, String> misplaced =
                FrameTimeline.exportProblems(videoPacketTimes, job.fps(), chunks, job.frameStart());
        return misplaced.entrySet().stream()
                .map(e -> new FoundProblem(e.getKey(), output.tier(), FoundProblem.EXPORT_CHECK, e.getValue()))
                .toList();
    }

    /**
     * The chunks whose segments do not hold their frames at their places: one ffprobe reads the
     * tier's segments back to back, and each chunk's packets are its planned number of frames
     * in turn (each segment's count was checked when it was accepted).
     */
    List<FoundProblem> misplacedInSegments(
            JobRow job, Output output, List<ChunkRow> chunks, List<SegmentRow> tier, Path directory)
            throws MediaException {
        List<Double> packets = ffprobe.videoPacketTimes(directory, "mpegts", stdin -> {
            for (SegmentRow segment : tier) {
                try (InputStream in = blobs.open(segment.blobKey(), 0)) {
                    in.transferTo(stdin);
                }
            }
        });
        Map<ChunkRow, List<Double>> times = new LinkedHashMap<>();
        int next = 0;
        for (ChunkRow chunk : chunks) {
            int frames = chunk.frameEnd() - chunk.frameStart() + 1;
            times.put(chunk, packets.subList(Math.min(next, packets.size()), Math.min(next + frames, packets.size())));
            next += frames;
        }
        return FrameTimeline.segmentProblems(times, job.fps(), job.frameStart()).entrySet().stream()
                .map(e -> new FoundProblem(e.getKey(), output.tier(), FoundProblem.SEGMENT_CHECK, e.getValue()))
                .toList();
    }

    private static ChunkRow chunkOf(List<ChunkRow> chunks, SegmentRow segment) {
        return chunks.stream()
                .filter(c -> c.id().equals(segment.chunkId()))
                .findFirst()
                .orElseThrow();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }
}
