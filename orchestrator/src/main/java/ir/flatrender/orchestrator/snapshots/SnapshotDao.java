package ir.flatrender.orchestrator.snapshots;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(SnapshotRow.class)
public interface SnapshotDao {
    /** Counts a hit and answers the snapshot, when it is cached. */
    @SqlQuery("""
            UPDATE render.snapshots SET hits = hits + 1, last_hit_at = now()
            WHERE cache_key = :key
            RETURNING *
            """)
    Optional<SnapshotRow> hit(@Bind("key") String key);

    /** The snapshot, without counting a hit (a still just made, read back for its caller). */
    @SqlQuery("SELECT * FROM render.snapshots WHERE cache_key = :key")
    Optional<SnapshotRow> find(@Bind("key") String key);

    @SqlUpdate("""
            INSERT INTO render.snapshots (cache_key, job_id, template_id, template_version, engine, aspect, frame,
                                          tier, format, width, height, blob_key, size_bytes)
            VALUES (:cacheKey, :jobId, :templateId, :templateVersion, :engine, :aspect, :frame,
                    :tier, :format, :width, :height, :blobKey, :sizeBytes)
            ON CONFLICT (cache_key) DO NOTHING
            """)
    int insert(@BindMethods SnapshotRow row);

    @SqlQuery("SELECT coalesce(sum(size_bytes), 0) FROM render.snapshots")
    long totalBytes();

    /** The least recently used snapshots, oldest first. */
    @SqlQuery("SELECT * FROM render.snapshots ORDER BY last_hit_at, cache_key LIMIT :limit")
    List<SnapshotRow> leastRecentlyUsed(@Bind("limit") int limit);

    @SqlUpdate("DELETE FROM render.snapshots WHERE cache_key = :key")
    int delete(@Bind("key") String key);

    /** Deletes the matching snapshots' rows and answers them, for their blobs to go too. */
    @SqlQuery("""
            DELETE FROM render.snapshots
            WHERE (CAST(:templateId AS text) IS NULL OR template_id = :templateId)
              AND (CAST(:unusedSince AS timestamptz) IS NULL OR last_hit_at < :unusedSince)
            RETURNING *
            """)
    List<SnapshotRow> purge(
            @org.jdbi.v3.sqlobject.customizer.Bind("templateId") String templateId,
            @org.jdbi.v3.sqlobject.customizer.Bind("unusedSince") java.time.Instant unusedSince);
}
