package ir.flatrender.orchestrator.jobs;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The statements every chunk result goes through: the chunk read when its upload is admitted
 * (or its failure recorded), its fenced completion with its segments, and its job moved on once
 * no chunk is left. Kept apart from {@link JobDao}, {@link LeaseDao} and {@link AssemblyDao}
 * because Jdbi attaches an extension per call by preparing every method it declares (a copy of
 * the configuration each): on a dispatch benchmark's profile, attaching those large DAOs on this
 * path took about a third of the orchestrator's CPU (BENCHMARKS.md).
 */
@RegisterConstructorMapper(ChunkRow.class)
public interface ChunkResultDao {
    @SqlQuery("SELECT " + JobDao.CHUNK_COLUMNS
            + "FROM render.frame_jobs f LEFT JOIN render.nodes n ON n.id = f.node_id WHERE f.id = :id")
    Optional<ChunkRow> findChunk(@Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'done', finished_at = now(), lease_expires_at = NULL,
                frames_done = frame_end - frame_start + 1,
                render_millis = coalesce(CAST(:renderMillis AS bigint), render_millis)
            WHERE id = :id AND attempt = :attempt AND state = ANY(:from)
            """)
    int completeChunk(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("from") String[] from,
            @Bind("renderMillis") Long renderMillis);

    @SqlBatch("""
            INSERT INTO render.segments (chunk_id, tier, attempt, blob_key, size_bytes, sha256)
            VALUES (:chunkId, :tier, :attempt, :blobKey, :sizeBytes, :sha256)
            ON CONFLICT (chunk_id, tier) DO UPDATE SET
                attempt = EXCLUDED.attempt, blob_key = EXCLUDED.blob_key,
                size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, created_at = now()
            """)
    void upsertSegments(@BindMethods List<SegmentRow> segments);

    /** Moves a job to assembling only when no chunk of it is left undone; one caller wins. */
    @SqlUpdate("""
            UPDATE render.render_jobs j SET state = :to, updated_at = now()
            WHERE j.id = :id AND j.state = ANY(:from)
              AND NOT EXISTS (SELECT 1 FROM render.frame_jobs f WHERE f.job_id = j.id AND f.state <> 'done')
            """)
    int markAllChunksDone(@Bind("id") UUID id, @Bind("from") String[] from, @Bind("to") String to);
}
