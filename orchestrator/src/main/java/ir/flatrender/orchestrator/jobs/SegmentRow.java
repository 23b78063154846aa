package ir.flatrender.orchestrator.jobs;

import java.util.UUID;

/** A file a chunk attempt produced: a tier's segment, a still, or the audio of an audio task. */
public record SegmentRow(
        UUID chunkId, int seq, String tier, long attempt, String blobKey, long sizeBytes, String sha256) {}
