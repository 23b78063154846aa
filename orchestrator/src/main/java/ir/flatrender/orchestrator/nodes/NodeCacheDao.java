package ir.flatrender.orchestrator.nodes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** {@code render.node_template_cache}: what each node's template cache holds. */
@RegisterConstructorMapper(CacheEntryRow.class)
public interface NodeCacheDao {
    @SqlUpdate("DELETE FROM render.node_template_cache WHERE node_id = :nodeId AND NOT (package_sha256 = ANY(:kept))")
    int removeOthers(@Bind("nodeId") UUID nodeId, @Bind("kept") String[] kept);

    /** Records a cached package, naming the template version it belongs to. */
    @SqlBatch("""
            INSERT INTO render.node_template_cache (node_id, package_sha256, template_id, template_version,
                                                    size_bytes, last_used_at, hits)
            SELECT :nodeId, :sha256, v.template_id, v.version, :sizeBytes, :lastUsedAt, :hits
            FROM (SELECT 1) one
            LEFT JOIN LATERAL (
                SELECT template_id, version FROM content.template_versions
                WHERE render_sha256 = :sha256 ORDER BY version DESC LIMIT 1) v ON true
            ON CONFLICT (node_id, package_sha256) DO UPDATE SET
                template_id = EXCLUDED.template_id, template_version = EXCLUDED.template_version,
                size_bytes = EXCLUDED.size_bytes, last_used_at = EXCLUDED.last_used_at,
                hits = EXCLUDED.hits, updated_at = now()
            """)
    void upsert(
            @Bind("nodeId") UUID nodeId,
            @Bind("sha256") List<String> sha256,
            @Bind("sizeBytes") List<Long> sizeBytes,
            @Bind("lastUsedAt") List<Instant> lastUsedAt,
            @Bind("hits") List<Long> hits);

    @Transaction
    default void replace(
            UUID nodeId, List<String> sha256, List<Long> sizeBytes, List<Instant> lastUsedAt, List<Long> hits) {
        removeOthers(nodeId, sha256.toArray(String[]::new));
        if (!sha256.isEmpty()) {
            upsert(nodeId, sha256, sizeBytes, lastUsedAt, hits);
        }
    }

    @SqlQuery("""
            SELECT n.name AS node_name, c.package_sha256, c.template_id, c.template_version, c.size_bytes,
                   c.hits, c.last_used_at
            FROM render.node_template_cache c JOIN render.nodes n ON n.id = c.node_id
            WHERE c.template_id = :templateId AND c.template_version = :version
            ORDER BY n.name
            """)
    List<CacheEntryRow> holders(@Bind("templateId") String templateId, @Bind("version") int version);

    @SqlQuery("""
            SELECT n.name AS node_name, c.package_sha256, c.template_id, c.template_version, c.size_bytes,
                   c.hits, c.last_used_at
            FROM render.node_template_cache c JOIN render.nodes n ON n.id = c.node_id
            WHERE n.name = :node
            ORDER BY c.last_used_at DESC NULLS LAST
            """)
    List<CacheEntryRow> ofNode(@Bind("node") String nodeName);

    /** Every node's cache, by node name, most recently used first. */
    @SqlQuery("""
            SELECT n.name AS node_name, c.package_sha256, c.template_id, c.template_version, c.size_bytes,
                   c.hits, c.last_used_at
            FROM render.node_template_cache c JOIN render.nodes n ON n.id = c.node_id
            ORDER BY n.name, c.last_used_at DESC NULLS LAST
            """)
    List<CacheEntryRow> all();

    /** A node's cache counters, as it last reported them. */
    @SqlUpdate("""
            UPDATE render.nodes SET cache_hits = :hits, cache_misses = :misses, cache_bytes_fetched = :fetched,
                                    cache_budget_bytes = :budget
            WHERE id = :id
            """)
    int recordCounters(
            @Bind("id") UUID nodeId,
            @Bind("hits") long hits,
            @Bind("misses") long misses,
            @Bind("fetched") long bytesFetched,
            @Bind("budget") long budgetBytes);

    /** A node's counters and budget. */
    record Counters(String name, long cacheHits, long cacheMisses, long cacheBytesFetched, long cacheBudgetBytes) {}

    @SqlQuery("""
            SELECT name, cache_hits, cache_misses, cache_bytes_fetched, cache_budget_bytes FROM render.nodes
            WHERE CAST(:node AS text) IS NULL OR name = :node OR id::text = :node
            ORDER BY name
            """)
    @RegisterConstructorMapper(Counters.class)
    List<Counters> counters(@Bind("node") String node);
}
