package ir.flatrender.orchestrator.nodes;

import java.time.Instant;

/** A template package held by a node, as it reported, with the node's name. */
public record CacheEntryRow(
        String nodeName,
        String packageSha256,
        String templateId,
        Integer templateVersion,
        long sizeBytes,
        long hits,
        Instant lastUsedAt) {}
