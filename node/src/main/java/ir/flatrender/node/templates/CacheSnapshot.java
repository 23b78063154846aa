package ir.flatrender.node.templates;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What the cache holds and its counters, as the orchestrator is told after every change. */
public record CacheSnapshot(
        List<Cached> templates, long budgetBytes, long hits, long misses, long bytesFetched, long evictions) {
    public CacheSnapshot {
        templates = List.copyOf(requireNonNull(templates, "templates is null"));
    }

    /** One unpacked package. */
    public record Cached(String sha256, long sizeBytes, long lastUsedMillis, long hits) {
        public Cached {
            requireNonNull(sha256, "sha256 is null");
        }
    }
}
