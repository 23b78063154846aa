package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Jobs and their chunks as a whole: submit, read, and the job's own state changes (pause,
 * resume, retry, priority, cancel, all chunks done, finished). Every statement that moves a state
 * names the states it may come from (taken from {@link JobTransitions} and {@link
 * ChunkTransitions}) and the caller checks the row count. The other aggregates: {@link ClaimDao}
 * (handing chunks out), {@link LeaseDao} (an attempt out on a node), {@link AssemblyDao}
 * (segments, assembly leases, exports).
 */
@RegisterConstructorMapper(JobRow.class)
@RegisterConstructorMapper(ChunkRow.class)
@RegisterConstructorMapper(ChunkLease.class)
public interface JobDao {
    String JOB_COLUMNS = """
            j.id, j.tenant_id, j.idempotency_key, j.request_sha256, j.template_id, j.template_version,
            j.package_sha256, j.package_bytes, j.engine, j.composition, j.aspect, j.tier,
            j.render_width, j.render_height, j.output_width, j.output_height, j.fps,
            j.frame_start, j.frame_end, j.bindings, j.encoder, j.kind, j.outputs, j.audio, j.priority, j.max_attempts,
            j.chunks_total, c.chunks_done, c.frames_done, j.state, j.error,
            j.created_at, j.started_at, j.finished_at, j.chunk_frames, j.chunk_plan
            FROM render.render_jobs j
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS chunks_done,
                       -- An audio task spans the whole range but renders no picture frame.
                       coalesce(sum(f.frame_end - f.frame_start + 1) FILTER (WHERE f.task = 'frames'), 0)::int
                           AS frames_done
                FROM render.frame_jobs f
                WHERE f.job_id = j.id AND f.state = 'done') c
            """;

    String CHUNK_COLUMNS = """
            f.id, f.job_id, f.seq, f.frame_start, f.frame_end, f.engine, f.task, f.package_sha256, f.state,
            f.attempt, f.failures, f.node_id, n.name AS node_name, f.lease_expires_at, f.assigned_at,
            f.started_at, f.finished_at, f.frames_done, f.render_millis, f.error
            """;

    @SqlUpdate("""
            INSERT INTO render.render_jobs (
                id, tenant_id, idempotency_key, request_sha256, template_id, template_version,
                package_sha256, package_bytes, engine, composition, aspect, tier, render_width,
                render_height, output_width, output_height, fps, frame_start, frame_end, bindings,
                encoder, kind, outputs, audio, priority, max_attempts, chunks_total, chunk_frames, chunk_plan, state,
                created_at, updated_at)
            VALUES (
                :id, :tenantId, :idempotencyKey, :requestSha256, :templateId, :templateVersion,
                :packageSha256, :packageBytes, :engine, :composition, :aspect, :tier, :renderWidth,
                :renderHeight, :outputWidth, :outputHeight, :fps, :frameStart, :frameEnd,
                :bindingsJson::jsonb, :encoderJson::jsonb, :kind, :outputsJson::jsonb, :audioJson::jsonb,
                :priority, :maxAttempts, :chunksTotal, :chunkFrames, :chunkPlan, 'queued', :createdAt, :createdAt)
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            """)
    int insertJob(
            @BindMethods NewJob job,
            @Bind("bindingsJson") String bindingsJson,
            @Bind("encoderJson") String encoderJson,
            @Bind("outputsJson") String outputsJson,
            @Bind("audioJson") String audioJson);

    /**
     * The slots of the connected online nodes that can take a job of this engine and needs, and
     * how many of them render nothing now: what a job's chunk size is chosen from
     * ({@link ChunkSizing}).
     */
    @SqlQuery("""
            SELECT coalesce(sum(n.slots), 0)::int AS total,
                   coalesce(sum(greatest(n.slots - coalesce(b.busy, 0), 0)), 0)::int AS free
            FROM render.nodes n
            LEFT JOIN (SELECT node_id, count(*)::int AS busy FROM render.frame_jobs
                       WHERE state IN ('assigned', 'running') GROUP BY node_id) b ON b.node_id = n.id
            WHERE n.state = 'online' AND n.orchestrator_id IS NOT NULL AND :engine = ANY(n.engines)
              -- Heard from lately: an orchestrator that died leaves its nodes' rows online.
              AND n.last_seen_at > now() - interval '1 minute'
              AND n.capabilities @> CAST(:requires AS text[])
            """)
    @RegisterConstructorMapper(ChunkSizing.Slots.class)
    ChunkSizing.Slots slotsFor(@Bind("engine") String engine, @Bind("requires") String[] requires);

    @SqlBatch("""
            INSERT INTO render.frame_jobs (id, job_id, seq, frame_start, frame_end, engine, priority,
                                           job_created_at, package_sha256, task, requires, state)
            VALUES (:id, :jobId, :seq, :frameStart, :frameEnd, :engine, :priority, :jobCreatedAt,
                    :packageSha256, :task, CAST(:requires AS text[]), 'pending')
            """)
    void insertChunks(@BindMethods List<NewChunk> chunks);

    /** Makes the job's chunks ones only this node may take (a health-check render). */
    @SqlUpdate("UPDATE render.frame_jobs SET target_node_id = :nodeId WHERE job_id = :jobId")
    int targetChunks(@Bind("jobId") UUID jobId, @Bind("nodeId") UUID nodeId);

    @SqlQuery("SELECT " + JOB_COLUMNS + " WHERE j.id = :id")
    Optional<JobRow> findJob(@Bind("id") UUID id);

    /** Which of these chunks are done. */
    @SqlQuery("SELECT id FROM render.frame_jobs WHERE id = ANY(:ids) AND state = 'done'")
    Set<UUID> doneAmong(@Bind("ids") UUID[] ids);

    @SqlQuery("SELECT " + JOB_COLUMNS + " WHERE j.id = ANY(:ids)")
    List<JobRow> findJobs(@Bind("ids") UUID[] ids);

    @SqlQuery("SELECT " + JOB_COLUMNS + " WHERE j.tenant_id = :tenantId AND j.idempotency_key = :key")
    Optional<JobRow> findByIdempotencyKey(@Bind("tenantId") UUID tenantId, @Bind("key") String key);

    /** Newest first, keyset-paged by (created_at, id). Null filters match everything. */
    @SqlQuery("SELECT " + JOB_COLUMNS + """
            WHERE (CAST(:tenantId AS uuid) IS NULL OR j.tenant_id = :tenantId)
              AND (CAST(:states AS text[]) IS NULL OR j.state = ANY(:states))
              AND (CAST(:templateId AS text) IS NULL OR j.template_id = :templateId)
              AND (CAST(:engine AS text) IS NULL OR j.engine = :engine)
              AND (CAST(:createdSince AS timestamptz) IS NULL OR j.created_at >= :createdSince)
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (j.created_at, j.id) < (:afterCreatedAt, :afterId))
            ORDER BY j.created_at DESC, j.id DESC
            LIMIT :limit
            """)
    List<JobRow> listJobs(
            @Bind("tenantId") UUID tenantId,
            @Bind("states") String[] states,
            @Bind("templateId") String templateId,
            @Bind("engine") String engine,
            @Bind("createdSince") Instant createdSince,
            @Bind("afterCreatedAt") Instant afterCreatedAt,
            @Bind("afterId") UUID afterId,
            @Bind("limit") int limit);

    @SqlQuery("SELECT " + CHUNK_COLUMNS + """
            FROM render.frame_jobs f LEFT JOIN render.nodes n ON n.id = f.node_id
            WHERE f.job_id = :jobId ORDER BY f.seq
            """)
    List<ChunkRow> listChunks(@Bind("jobId") UUID jobId);

    @SqlQuery("""
            WITH cancelled AS MATERIALIZED (
                SELECT id, node_id, state AS previous FROM render.frame_jobs
                WHERE job_id = :jobId AND state = ANY(:from)
                FOR UPDATE)
            UPDATE render.frame_jobs f
            SET state = 'cancelled', lease_expires_at = NULL, finished_at = now()
            FROM cancelled c
            WHERE f.id = c.id
            RETURNING f.id, f.job_id, CASE WHEN c.previous = 'pending' THEN NULL ELSE c.node_id END AS node_id,
                      f.attempt
            """)
    List<ChunkLease> cancelChunks(@Bind("jobId") UUID jobId, @Bind("from") String[] from);

    @SqlUpdate("""
            UPDATE render.render_jobs SET state = 'paused', updated_at = now()
            WHERE id = :id AND state = ANY(:from)
            """)
    int pauseJob(@Bind("id") UUID id, @Bind("from") String[] from);

    /** Holds a paused job's chunks back from the claims, or lets them go on resume. */
    @SqlUpdate("UPDATE render.frame_jobs SET held = :held WHERE job_id = :jobId AND held <> :held")
    int holdChunks(@Bind("jobId") UUID jobId, @Bind("held") boolean held);

    /** Back to queued, or to running when it had started. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET state = CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END, updated_at = now()
            WHERE id = :id AND state = ANY(:from)
            """)
    int resumeJob(@Bind("id") UUID id, @Bind("from") String[] from);

    /** A failed or cancelled job queued again; its chunks not done are reset by {@link #reopenUndoneChunks}. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET state = 'queued', error = NULL, finished_at = NULL, updated_at = now(),
                assembler_id = NULL, assembly_lease_expires_at = NULL
            WHERE id = :id AND state = ANY(:from)
            """)
    int retryJob(@Bind("id") UUID id, @Bind("from") String[] from);

    /** Every chunk of the job not done is pending again, with its failures forgiven. */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', failures = 0, error = NULL, node_id = NULL, lease_expires_at = NULL,
                frames_done = 0, finished_at = NULL, failed_node_id = NULL, failed_at = NULL
            WHERE job_id = :jobId AND state IN ('dead', 'failed', 'cancelled')
            """)
    int reopenUndoneChunks(@Bind("jobId") UUID jobId);

    @SqlUpdate("DELETE FROM render.job_node_blocks WHERE job_id = :jobId")
    int clearBlocks(@Bind("jobId") UUID jobId);

    @SqlUpdate("UPDATE render.render_jobs SET priority = :priority, updated_at = now() WHERE id = :id")
    int setJobPriority(@Bind("id") UUID id, @Bind("priority") int priority);

    @SqlUpdate("UPDATE render.frame_jobs SET priority = :priority WHERE job_id = :jobId")
    int setChunkPriority(@Bind("jobId") UUID jobId, @Bind("priority") int priority);

    @SqlUpdate("""
            UPDATE render.render_jobs SET state = :to, error = :error, updated_at = now(), finished_at = now()
            WHERE id = :id AND state = ANY(:from)
            """)
    int finishJob(@Bind("id") UUID id, @Bind("from") String[] from, @Bind("to") String to, @Bind("error") String error);
}
