package ir.flatrender.orchestrator.repairs;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code render.frame_repair_jobs}, and sending a done chunk back to render its frames again. */
@RegisterConstructorMapper(RepairRow.class)
public interface RepairDao {
    /** Records a repair of a chunk attempt's frames; the same attempt is repaired once. */
    @SqlUpdate("""
            INSERT INTO render.frame_repair_jobs (id, job_id, chunk_id, attempt, frame_start, frame_end, tier,
                                                  detected_by, reason, state)
            VALUES (:id, :jobId, :chunkId, :attempt, :frameStart, :frameEnd, :tier, :detectedBy, :reason, 'rendering')
            ON CONFLICT (chunk_id, attempt) DO NOTHING
            """)
    int insert(
            @Bind("id") UUID id,
            @Bind("jobId") UUID jobId,
            @Bind("chunkId") UUID chunkId,
            @Bind("attempt") long attempt,
            @Bind("frameStart") int frameStart,
            @Bind("frameEnd") int frameEnd,
            @Bind("tier") String tier,
            @Bind("detectedBy") String detectedBy,
            @Bind("reason") String reason);

    /**
     * A chunk done, dead or cancelled goes back to pending, failures forgiven, to be rendered
     * again as its next attempt (an operator's requeue).
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', failures = 0, error = NULL, node_id = NULL, lease_expires_at = NULL,
                frames_done = 0, finished_at = NULL, failed_node_id = NULL, failed_at = NULL
            WHERE id = :id AND state IN ('done', 'dead', 'failed', 'cancelled')
            """)
    int requeueChunk(@Bind("id") UUID id);

    /** A done chunk goes back to pending, to be rendered again as its next attempt. */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0, finished_at = NULL
            WHERE id = :id AND attempt = :attempt AND state = 'done'
            """)
    int reopenChunk(@Bind("id") UUID id, @Bind("attempt") long attempt);

    /**
     * A done chunk whose node sent a file that does not decode goes back to pending, to another
     * node first (as a failed attempt's does: {@code failed_node_id}, see the claim).
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', lease_expires_at = NULL, frames_done = 0, finished_at = NULL,
                failed_node_id = node_id, failed_at = now(), node_id = NULL
            WHERE id = :id AND attempt = :attempt AND state = 'done'
            """)
    int reopenChunkAwayFromItsNode(@Bind("id") UUID id, @Bind("attempt") long attempt);

    /** How many times the chunk's frames were sent back already. */
    @SqlQuery("SELECT count(*) FROM render.frame_repair_jobs WHERE chunk_id = :chunkId")
    int countForChunk(@Bind("chunkId") UUID chunkId);

    /** The job's repairs still rendering end, with the job: repaired, or failed. */
    @SqlUpdate("""
            UPDATE render.frame_repair_jobs SET state = :to, finished_at = now()
            WHERE job_id = :jobId AND state = 'rendering'
            """)
    int finishOpen(@Bind("jobId") UUID jobId, @Bind("to") String to);

    @SqlQuery("SELECT * FROM render.frame_repair_jobs WHERE job_id = :jobId ORDER BY created_at, frame_start")
    List<RepairRow> listForJob(@Bind("jobId") UUID jobId);

    /** The newest repairs across the farm (or of one job), for operators. */
    @SqlQuery("""
            SELECT * FROM render.frame_repair_jobs
            WHERE CAST(:jobId AS uuid) IS NULL OR job_id = :jobId
            ORDER BY created_at DESC, frame_start LIMIT :limit
            """)
    List<RepairRow> listRecent(@Bind("jobId") UUID jobId, @Bind("limit") int limit);
}
