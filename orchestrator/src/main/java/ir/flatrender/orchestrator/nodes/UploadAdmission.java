package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import ir.flatrender.orchestrator.jobs.ChunkResultDao;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ChunkTransitions;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentFormat;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Lets an upload in only for the current attempt of a chunk, from the node that holds it: the
 * header's attempt is checked against the chunk's (fencing), its node against the caller's
 * credential, its frame count and tiers against the chunk and the job, its sizes against the
 * limit. Every refusal is a status naming the field.
 */
final class UploadAdmission {
    private final Jdbi jdbi;
    private final JobCache jobs;
    private final long maxSegmentBytes;

    /** An upload's chunk (at the attempt it may upload) and its job. */
    record Admitted(ChunkRow chunk, JobRow job) {
        /**
         * The blob key of one upload's file of a tier. Each upload has its own, even for the same
         * attempt (a node retrying an upload whose answer it never saw), so the loser of two
         * uploads deletes only its own files.
         */
        String key(String tier, String uploadId) {
            SegmentFormat format = chunk.isAudioTask()
                    ? SegmentFormat.WAV
                    : SegmentFormat.of(job.output(tier).format());
            return "segments/" + chunk.jobId() + "/" + chunk.seq() + "-" + chunk.attempt() + "-" + uploadId + "-" + tier
                    + "." + format.extension();
        }
    }

    UploadAdmission(Jdbi jdbi, JobCache jobs, long maxSegmentBytes) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /**
     * Checks an upload's header; {@code callerNode} is the node the caller's credential names
     * (empty for the farm token).
     */
    Admitted admit(SegmentHeader newHeader, Optional<String> callerNode) {
        UUID chunkId = parse(newHeader.getChunk().getChunkId(), "chunk_id");
        UUID nodeId = parse(newHeader.getNodeId(), "node_id");
        ChunkRow row = jdbi.withExtension(ChunkResultDao.class, dao -> dao.findChunk(chunkId))
                .orElseThrow(() ->
                        Status.NOT_FOUND.withDescription("no chunk " + chunkId).asRuntimeException());
        if (row.nodeId() != null
                && !nodeId.equals(row.nodeId())
                && row.attempt() == newHeader.getChunk().getAttempt()) {
            // The attempt is current but it is not this node's: say so, not "no longer current".
            throw Status.INVALID_ARGUMENT
                    .withDescription("node_id " + nodeId + " is not the node that holds attempt " + row.attempt()
                            + " of chunk " + chunkId + " (another node does); SegmentHeader.node_id must be the"
                            + " node_id of this node's Welcome")
                    .asRuntimeException();
        }
        if (!ChunkTransitions.isCurrent(
                        row.chunkState(), row.attempt(), newHeader.getChunk().getAttempt())
                || !nodeId.equals(row.nodeId())) {
            throw Status.ABORTED
                    .withDescription("attempt " + newHeader.getChunk().getAttempt() + " of chunk " + chunkId
                            + " is no longer current (the chunk is " + row.state() + " at attempt " + row.attempt()
                            + ")")
                    .asRuntimeException();
        }
        // The header's node_id is the node's own word; the credential is proof (issue 14, case 3).
        if (callerNode.isPresent()
                && !jdbi.withExtension(NodeDao.class, dao -> dao.find(row.nodeId()))
                        .map(NodeRow::name)
                        .equals(callerNode)) {
            throw Status.PERMISSION_DENIED
                    .withDescription("chunk " + chunkId + " is leased to another node, not " + callerNode.get())
                    .asRuntimeException();
        }
        int frames = row.frameEnd() - row.frameStart() + 1;
        if (!row.isAudioTask() && newHeader.getFrameCount() != frames) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("segment says " + newHeader.getFrameCount() + " frames; the chunk has " + frames)
                    .asRuntimeException();
        }
        JobRow owner = jobs.get(row.jobId());
        List<String> expected = row.isAudioTask()
                ? List.of(SegmentUploads.AUDIO)
                : owner.outputs().stream().map(Output::tier).toList();
        List<String> sent =
                newHeader.getFilesList().stream().map(SegmentFile::getTier).toList();
        if (!sent.equals(expected)) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("the attempt must upload " + expected + " in that order, not " + sent)
                    .asRuntimeException();
        }
        for (SegmentFile file : newHeader.getFilesList()) {
            if (file.getSizeBytes() <= 0 || file.getSizeBytes() > maxSegmentBytes) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                file.getTier() + " size " + file.getSizeBytes() + " is outside 1-" + maxSegmentBytes)
                        .asRuntimeException();
            }
        }
        return new Admitted(row, owner);
    }

    private static UUID parse(String text, String field) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(field + " is not a UUID: " + text)
                    .asRuntimeException();
        }
    }
}
