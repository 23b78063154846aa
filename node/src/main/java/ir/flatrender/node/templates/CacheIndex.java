package ir.flatrender.node.templates;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The template cache's index as kept on disk ({@code index.json}), rewritten whole through a
 * temporary file and a rename, so a crash leaves the old index or the new one, never half.
 * {@code entries} is in order of use, least recent first; eviction walks it in that order.
 */
record CacheIndex(Map<String, Entry> entries, long hits, long misses, long bytesFetched, long evictions) {
    /**
     * @param treeSha256 digest of the unpacked files, checked before every use
     */
    record Entry(String templateId, int version, long sizeBytes, long lastUsedMillis, long hits, String treeSha256) {}

    static CacheIndex empty() {
        return new CacheIndex(new LinkedHashMap<>(), 0, 0, 0, 0);
    }

    static CacheIndex load(Path file, ObjectMapper json) {
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            CacheIndex index = json.readValue(file.toFile(), CacheIndex.class);
            return new CacheIndex(
                    new LinkedHashMap<>(index.entries()),
                    index.hits(),
                    index.misses(),
                    index.bytesFetched(),
                    index.evictions());
        } catch (IOException e) {
            // A damaged index costs re-fetching, not a broken node.
            return empty();
        }
    }

    void save(Path file, ObjectMapper json) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        json.writeValue(temporary.toFile(), this);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
