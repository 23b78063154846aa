package ir.flatrender.orchestrator.jobs;

import java.util.UUID;

/** A chunk attempt that was taken back from a node (lease expired, node lost, job cancelled). */
public record ChunkLease(UUID id, UUID jobId, UUID nodeId, long attempt) {}
