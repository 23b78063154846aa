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
 * Jobs, chunks and exports. Every statement that moves a state names the states it may come
 * from (taken from {@link JobTransitions} and {@link ChunkTransitions}) and the caller checks
 * the row count; chunk updates also name the attempt, which is the fencing token.
 */
@RegisterConstructorMapper(JobRow.class)
@RegisterConstructorMapper(ChunkRow.class)
@RegisterConstructorMapper(ExportRow.class)
@RegisterConstructorMapper(ChunkLease.class)
@RegisterConstructorMapper(SegmentRow.class)
public interface JobDao {
    String JOB_COLUMNS = """
            j.id, j.tenant_id, j.idempotency_key, j.request_sha256, j.template_id, j.template_version,
            j.package_sha256, j.package_bytes, j.engine, j.composition, j.aspect, j.tier,
            j.render_width, j.render_height, j.output_width, j.output_height, j.fps,
            j.frame_start, j.frame_end, j.bindings, j.encoder, j.kind, j.outputs, j.audio, j.priority, j.max_attempts,
            j.chunks_total, c.chunks_done, c.frames_done, j.state, j.error,
            j.created_at, j.started_at, j.finished_at
            FROM render.render_jobs j
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS chunks_done,
                       -- An audio task spans the whole range but renders no picture frame.
                       coalesce(sum(f.frame_end - f.frame_start + 1) FILTER (WHERE f.task = 'frames'), 0)::int
                           AS frames_done
                FROM render.frame_jobs f
                WHERE f.job_id = j.id AND f.state = 'done') c
            """;

    /** Which pending chunks a node may claim (the claims' shared WHERE). */
    String CLAIMABLE = """
                WHERE p.state = 'pending' AND p.engine = ANY(:engines)
                  -- Only what the node can do (a 3D template's chunks need "webgl").
                  AND p.requires <@ CAST(:capabilities AS text[])
                  -- Not a job this node failed twice; not the chunk it just failed while
                  -- another node may take it.
                  AND NOT EXISTS (SELECT 1 FROM render.job_node_blocks b
                                  WHERE b.node_id = :nodeId AND b.job_id = p.job_id AND b.blocked)
                  AND (p.failed_node_id IS DISTINCT FROM :nodeId
                       OR p.failed_at < now() - make_interval(secs => :retryElsewhereSeconds))
                  -- Health-check renders go only to their node (see claimHealthCheck); chunks of
                  -- paused jobs are held.
                  AND p.target_node_id IS NULL AND NOT p.held""";

    /** What every claim answers: the chunks it made new attempts of, with their node's name. */
    String CLAIMED_ROWS = """
            SELECT f.id, f.job_id, f.seq, f.frame_start, f.frame_end, f.engine, f.task, f.package_sha256,
                   f.state, f.attempt, f.failures, f.node_id, n.name AS node_name, f.lease_expires_at,
                   f.assigned_at, f.started_at, f.finished_at, f.frames_done, f.render_millis, f.error
            FROM claimed f LEFT JOIN render.nodes n ON n.id = f.node_id
            ORDER BY f.job_id, f.seq""";

    /** The claims' shared tail: the picked chunks become new attempts on the node, read back. */
    String CLAIM = """
            claimed AS (
                UPDATE render.frame_jobs f
                SET state = 'assigned', attempt = f.attempt + 1, node_id = :nodeId,
                    assigned_at = now(), started_at = NULL, finished_at = NULL, frames_done = 0,
                    lease_expires_at = now() + make_interval(secs => :leaseSeconds)
                FROM picked
                WHERE f.id = picked.id AND f.state = 'pending'
                RETURNING f.*)
            """ + CLAIMED_ROWS;

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
                encoder, kind, outputs, audio, priority, max_attempts, chunks_total, state, created_at, updated_at)
            VALUES (
                :id, :tenantId, :idempotencyKey, :requestSha256, :templateId, :templateVersion,
                :packageSha256, :packageBytes, :engine, :composition, :aspect, :tier, :renderWidth,
                :renderHeight, :outputWidth, :outputHeight, :fps, :frameStart, :frameEnd,
                :bindingsJson::jsonb, :encoderJson::jsonb, :kind, :outputsJson::jsonb, :audioJson::jsonb,
                :priority, :maxAttempts, :chunksTotal, 'queued', :createdAt, :createdAt)
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            """)
    int insertJob(
            @BindMethods NewJob job,
            @Bind("bindingsJson") String bindingsJson,
            @Bind("encoderJson") String encoderJson,
            @Bind("outputsJson") String outputsJson,
            @Bind("audioJson") String audioJson);

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

    @SqlQuery("SELECT " + CHUNK_COLUMNS
            + "FROM render.frame_jobs f LEFT JOIN render.nodes n ON n.id = f.node_id WHERE f.id = :id")
    Optional<ChunkRow> findChunk(@Bind("id") UUID id);

    /**
     * Hands up to {@code limit} pending chunks to a node in one statement: the oldest of the
     * highest priority first, skipping rows another claim holds, and makes each a new attempt.
     * The pick is a materialized CTE: as a plain {@code IN (SELECT … LIMIT n FOR UPDATE SKIP
     * LOCKED)} PostgreSQL may evaluate the subquery more than once and hand out more than n.
     */
    @SqlQuery("""
            WITH picked AS MATERIALIZED (
                SELECT p.id FROM render.frame_jobs p
""" + CLAIMABLE + """
                ORDER BY p.priority DESC, p.job_created_at, p.job_id, p.seq
                LIMIT :limit
                FOR UPDATE SKIP LOCKED),
""" + CLAIM + """
            """)
    List<ChunkRow> claimChunks(
            @Bind("nodeId") UUID nodeId,
            @Bind("engines") String[] engines,
            @Bind("capabilities") String[] capabilities,
            @Bind("limit") int limit,
            @Bind("leaseSeconds") double leaseSeconds,
            @Bind("retryElsewhereSeconds") double retryElsewhereSeconds);

    /**
     * Hands pending chunks to many nodes in one statement: {@code slots} names a node once per
     * free slot, and the oldest chunks of the highest priority go to them in that order. Only
     * chunks every node may take are handed out this way (no failure on record, no node kept
     * off the job); the rest go through {@link #claimChunks}, which checks them per node.
     */
    @SqlQuery("""
            WITH slots AS (
                SELECT s.node_id, s.k FROM unnest(CAST(:slots AS uuid[])) WITH ORDINALITY AS s(node_id, k)),
            locked AS MATERIALIZED (
                SELECT p.id, p.priority, p.job_created_at, p.job_id, p.seq FROM render.frame_jobs p
                WHERE p.state = 'pending' AND p.engine = ANY(:engines)
                  AND p.requires <@ CAST(:capabilities AS text[])
                  AND p.target_node_id IS NULL AND NOT p.held AND p.failed_node_id IS NULL
                  AND NOT EXISTS (SELECT 1 FROM render.job_node_blocks b WHERE b.job_id = p.job_id AND b.blocked)
                ORDER BY p.priority DESC, p.job_created_at, p.job_id, p.seq
                LIMIT cardinality(CAST(:slots AS uuid[]))
                FOR UPDATE SKIP LOCKED),
            picked AS (
                SELECT l.id, row_number() OVER (ORDER BY l.priority DESC, l.job_created_at, l.job_id, l.seq) AS k
                FROM locked l),
            claimed AS (
                UPDATE render.frame_jobs f
                SET state = 'assigned', attempt = f.attempt + 1, node_id = s.node_id,
                    assigned_at = now(), started_at = NULL, finished_at = NULL, frames_done = 0,
                    lease_expires_at = now() + make_interval(secs => :leaseSeconds)
                FROM picked JOIN slots s ON s.k = picked.k
                WHERE f.id = picked.id AND f.state = 'pending'
                RETURNING f.*)
            """ + CLAIMED_ROWS)
    List<ChunkRow> claimChunksForMany(
            @Bind("slots") UUID[] slots,
            @Bind("engines") String[] engines,
            @Bind("capabilities") String[] capabilities,
            @Bind("leaseSeconds") double leaseSeconds);

    /** A quarantined node's health-check render: the one chunk meant for it, when pending. */
    @SqlQuery("""
            WITH picked AS MATERIALIZED (
                SELECT p.id FROM render.frame_jobs p
                WHERE p.state = 'pending' AND p.target_node_id = :nodeId AND p.engine = ANY(:engines)
                LIMIT :limit
                FOR UPDATE SKIP LOCKED),
""" + CLAIM + """
            """)
    List<ChunkRow> claimHealthCheck(
            @Bind("nodeId") UUID nodeId,
            @Bind("engines") String[] engines,
            @Bind("limit") int limit,
            @Bind("leaseSeconds") double leaseSeconds);

    /** The chunk attempts out on these nodes, as "id#attempt". */
    @SqlQuery("""
            SELECT id::text || '#' || attempt FROM render.frame_jobs
            WHERE node_id = ANY(:nodes) AND state IN ('assigned', 'running')
            """)
    List<String> attemptsOutOn(@Bind("nodes") UUID[] nodes);

    /** Whether any chunk for these engines and capabilities is pending at all (for any node). */
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM render.frame_jobs
                           WHERE state = 'pending' AND engine = ANY(:engines)
                             AND requires <@ CAST(:capabilities AS text[]))
            """)
    boolean anyPending(@Bind("engines") String[] engines, @Bind("capabilities") String[] capabilities);

    /**
     * Like {@link #claimChunks}, but a node that holds template packages takes, within each
     * priority, chunks of templates it holds before others, so it skips a download. Chunks
     * waiting longer than the affinity window go first regardless, so no job waits forever
     * for a node that holds its template.
     */
    @SqlQuery("""
            WITH picked AS MATERIALIZED (
                SELECT p.id FROM render.frame_jobs p
""" + CLAIMABLE + """
                ORDER BY p.priority DESC,
                         CASE WHEN p.job_created_at < now() - make_interval(secs => :windowSeconds) THEN 0
                              WHEN p.package_sha256 = ANY(:cached) THEN 1
                              ELSE 2 END,
                         p.job_created_at, p.job_id, p.seq
                LIMIT :limit
                FOR UPDATE SKIP LOCKED),
""" + CLAIM + """
            """)
    List<ChunkRow> claimChunksPreferring(
            @Bind("nodeId") UUID nodeId,
            @Bind("engines") String[] engines,
            @Bind("capabilities") String[] capabilities,
            @Bind("cached") String[] cached,
            @Bind("limit") int limit,
            @Bind("leaseSeconds") double leaseSeconds,
            @Bind("windowSeconds") double windowSeconds,
            @Bind("retryElsewhereSeconds") double retryElsewhereSeconds);

    @SqlUpdate("""
            UPDATE render.frame_jobs SET state = 'running', started_at = now()
            WHERE id = :id AND attempt = :attempt AND node_id = :nodeId AND state = ANY(:from)
            """)
    int startChunk(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("nodeId") UUID nodeId,
            @Bind("from") String[] from);

    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'done', finished_at = now(), lease_expires_at = NULL,
                frames_done = frame_end - frame_start + 1
            WHERE id = :id AND attempt = :attempt AND state = ANY(:from)
            """)
    int completeChunk(@Bind("id") UUID id, @Bind("attempt") long attempt, @Bind("from") String[] from);

    @SqlBatch("""
            INSERT INTO render.segments (chunk_id, tier, attempt, blob_key, size_bytes, sha256)
            VALUES (:chunkId, :tier, :attempt, :blobKey, :sizeBytes, :sha256)
            ON CONFLICT (chunk_id, tier) DO UPDATE SET
                attempt = EXCLUDED.attempt, blob_key = EXCLUDED.blob_key,
                size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, created_at = now()
            """)
    void upsertSegments(@BindMethods List<SegmentRow> segments);

    /** The accepted files of a job's done chunks, in chunk order. */
    @SqlQuery("""
            SELECT s.chunk_id, f.seq, s.tier, s.attempt, s.blob_key, s.size_bytes, s.sha256
            FROM render.segments s JOIN render.frame_jobs f ON f.id = s.chunk_id
            WHERE f.job_id = :jobId AND f.state = 'done' AND s.attempt = f.attempt
            ORDER BY f.seq, s.tier
            """)
    List<SegmentRow> listSegments(@Bind("jobId") UUID jobId);

    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = :to, failures = failures + 1, error = :error, lease_expires_at = NULL,
                failed_node_id = node_id, failed_at = now(),
                node_id = CASE WHEN :to = 'pending' THEN NULL ELSE node_id END,
                finished_at = CASE WHEN :to = 'dead' THEN now() ELSE NULL END
            WHERE id = :id AND attempt = :attempt AND state = ANY(:from)
              AND (NOT :expiredOnly OR lease_expires_at < now())
            """)
    int failChunk(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("from") String[] from,
            @Bind("to") String to,
            @Bind("error") String error,
            @Bind("expiredOnly") boolean expiredOnly);

    /**
     * Takes back an assignment that never reached its node (its stream closed between the claim
     * and the send): the chunk is pending again with the attempt number it had, so that every
     * attempt number a node was handed is one on record.
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0, attempt = attempt - 1
            WHERE id = :id AND attempt = :attempt AND state = 'assigned'
            """)
    int unclaimChunk(@Bind("id") UUID id, @Bind("attempt") long attempt);

    /** The chunk attempts out on a node, to be recorded as lost when it went away. */
    @SqlQuery("""
            SELECT id, job_id, node_id, attempt FROM render.frame_jobs
            WHERE node_id = :nodeId AND state = ANY(:from)
            ORDER BY job_id, seq
            """)
    List<ChunkLease> nodeChunks(@Bind("nodeId") UUID nodeId, @Bind("from") String[] from);

    /** The chunk attempts out on a node that it, reconnecting, no longer runs. */
    @SqlQuery("""
            SELECT id, job_id, node_id, attempt FROM render.frame_jobs
            WHERE node_id = :nodeId AND state = ANY(:from) AND NOT (id = ANY(:kept))
            ORDER BY job_id, seq
            """)
    List<ChunkLease> nodeChunksExcept(
            @Bind("nodeId") UUID nodeId, @Bind("from") String[] from, @Bind("kept") UUID[] kept);

    /** The chunk attempts whose lease ran out, whoever held them. */
    @SqlQuery("""
            SELECT id, job_id, node_id, attempt FROM render.frame_jobs
            WHERE state = ANY(:from) AND lease_expires_at < now()
            ORDER BY job_id, node_id, seq
            """)
    List<ChunkLease> expiredLeases(@Bind("from") String[] from);

    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0
            WHERE id = :id AND attempt = :attempt AND state = ANY(:from)
            """)
    int loseChunk(@Bind("id") UUID id, @Bind("attempt") long attempt, @Bind("from") String[] from);

    /** Takes every chunk back from a node that went away. */
    @SqlQuery("""
            UPDATE render.frame_jobs
            SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0
            WHERE node_id = :nodeId AND state = ANY(:from)
            RETURNING id, job_id, :nodeId AS node_id, attempt
            """)
    List<ChunkLease> loseNodeChunks(@Bind("nodeId") UUID nodeId, @Bind("from") String[] from);

    /**
     * Keeps a chunk attempt a reconnecting node still runs: only the current attempt, on the
     * same node, still out; its lease starts again.
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs SET lease_expires_at = now() + make_interval(secs => :leaseSeconds)
            WHERE id = :id AND attempt = :attempt AND node_id = :nodeId AND state = ANY(:from)
            """)
    int adoptChunk(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("nodeId") UUID nodeId,
            @Bind("from") String[] from,
            @Bind("leaseSeconds") double leaseSeconds);

    /**
     * At start: every chunk out on a node gets at least one more lease, so that nodes which
     * lost the previous orchestrator can reconnect and keep their work.
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET lease_expires_at = greatest(lease_expires_at, now() + make_interval(secs => :graceSeconds))
            WHERE state = ANY(:from)
            """)
    int graceLeases(@Bind("from") String[] from, @Bind("graceSeconds") double graceSeconds);

    /** A lease renewed by a heartbeat: the attempt and when it now runs out. */
    record RenewedLease(UUID id, long attempt, Instant leaseExpiresAt) {}

    /**
     * Renews the leases of the chunk attempts a node says it runs (its heartbeat's list), and
     * only those: an attempt the database has on the node that the node does not run any more
     * (its report was lost, say while the database was away) runs out and goes back to pending.
     * Answers each lease renewed with its new expiry, which is sent back to the node.
     */
    @SqlQuery("""
            UPDATE render.frame_jobs f SET lease_expires_at = now() + make_interval(secs => :leaseSeconds)
            FROM unnest(CAST(:ids AS uuid[]), CAST(:attempts AS bigint[])) AS r(id, attempt)
            WHERE f.id = r.id AND f.attempt = r.attempt AND f.node_id = :nodeId AND f.state = ANY(:from)
            RETURNING f.id, f.attempt, f.lease_expires_at
            """)
    @RegisterConstructorMapper(RenewedLease.class)
    List<RenewedLease> renewLeases(
            @Bind("nodeId") UUID nodeId,
            @Bind("ids") UUID[] ids,
            @Bind("attempts") long[] attempts,
            @Bind("from") String[] from,
            @Bind("leaseSeconds") double leaseSeconds);

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

    /**
     * Records the node's render time of an attempt it rendered (another node's report changes
     * nothing); answers the chunk's engine when it applied.
     */
    @SqlQuery("""
            UPDATE render.frame_jobs SET render_millis = :millis
            WHERE id = :id AND attempt = :attempt AND node_id = :nodeId
            RETURNING engine
            """)
    Optional<String> recordRenderTime(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("nodeId") UUID nodeId,
            @Bind("millis") long millis);

    @SqlUpdate("""
            UPDATE render.render_jobs SET state = :to, updated_at = now(),
                started_at = coalesce(started_at, now())
            WHERE id = ANY(:ids) AND state = ANY(:from)
            """)
    int markStarted(@Bind("ids") UUID[] ids, @Bind("from") String[] from, @Bind("to") String to);

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

    /** Moves a job to assembling only when no chunk of it is left undone; one caller wins. */
    @SqlUpdate("""
            UPDATE render.render_jobs j SET state = :to, updated_at = now()
            WHERE j.id = :id AND j.state = ANY(:from)
              AND NOT EXISTS (SELECT 1 FROM render.frame_jobs f WHERE f.job_id = j.id AND f.state <> 'done')
            """)
    int markAllChunksDone(@Bind("id") UUID id, @Bind("from") String[] from, @Bind("to") String to);

    @SqlUpdate("""
            UPDATE render.render_jobs SET state = :to, error = :error, updated_at = now(), finished_at = now()
            WHERE id = :id AND state = ANY(:from)
            """)
    int finishJob(@Bind("id") UUID id, @Bind("from") String[] from, @Bind("to") String to, @Bind("error") String error);

    /**
     * Takes the job's assembly for this orchestrator until the lease runs out: when no one holds
     * it, this orchestrator already does, or the holder's lease ran out (it died). One wins.
     */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET assembler_id = :orchestratorId,
                assembly_lease_expires_at = now() + make_interval(secs => :leaseSeconds), updated_at = now()
            WHERE id = :id AND state = 'assembling'
              AND (assembler_id IS NULL OR assembler_id = :orchestratorId OR assembly_lease_expires_at < now())
            """)
    int claimAssembly(
            @Bind("id") UUID id,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("leaseSeconds") double leaseSeconds);

    /** Renews this orchestrator's assembly leases of the given jobs. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET assembly_lease_expires_at = now() + make_interval(secs => :leaseSeconds)
            WHERE id = ANY(:ids) AND state = 'assembling' AND assembler_id = :orchestratorId
            """)
    int renewAssemblies(
            @Bind("ids") UUID[] ids,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("leaseSeconds") double leaseSeconds);

    /** Ends an assembly this orchestrator holds: succeeded, failed, or back to running for repairs. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET state = :to, error = :error, updated_at = now(), assembler_id = NULL, assembly_lease_expires_at = NULL,
                finished_at = CASE WHEN :to IN ('succeeded', 'failed') THEN now() ELSE NULL END
            WHERE id = :id AND state = 'assembling' AND assembler_id = :orchestratorId
            """)
    int finishAssembly(
            @Bind("id") UUID id,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("to") String to,
            @Bind("error") String error);

    /** Jobs waiting to be assembled that no live orchestrator is assembling (or this one lost). */
    @SqlQuery("""
            SELECT id FROM render.render_jobs
            WHERE state = 'assembling'
              AND (assembler_id IS NULL OR assembler_id = :orchestratorId OR assembly_lease_expires_at < now())
            ORDER BY created_at
            """)
    List<UUID> unassembledJobs(@Bind("orchestratorId") UUID orchestratorId);

    /**
     * Active jobs whose chunks are all done but that never moved to assembling (the database
     * went away between the last chunk and the job's own change).
     */
    @SqlQuery("""
            SELECT j.id FROM render.render_jobs j
            WHERE j.state = ANY(:from)
              AND NOT EXISTS (SELECT 1 FROM render.frame_jobs f WHERE f.job_id = j.id AND f.state <> 'done')
            ORDER BY j.created_at
            """)
    List<UUID> doneButNotAssembling(@Bind("from") String[] from);

    @SqlUpdate("""
            INSERT INTO render.exports (id, job_id, tier, blob_key, size_bytes, width, height, frame_count,
                                        duration_millis, codec, thumbnail_key, sha256, has_audio,
                                        audio_duration_millis)
            VALUES (:id, :jobId, :tier, :blobKey, :sizeBytes, :width, :height, :frameCount,
                    :durationMillis, :codec, :thumbnailKey, :sha256, :hasAudio, :audioDurationMillis)
            ON CONFLICT (job_id, tier) DO UPDATE SET
                blob_key = EXCLUDED.blob_key, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width,
                height = EXCLUDED.height, frame_count = EXCLUDED.frame_count,
                duration_millis = EXCLUDED.duration_millis, codec = EXCLUDED.codec,
                thumbnail_key = EXCLUDED.thumbnail_key, sha256 = EXCLUDED.sha256,
                has_audio = EXCLUDED.has_audio, audio_duration_millis = EXCLUDED.audio_duration_millis,
                created_at = now()
            """)
    void upsertExport(@BindMethods ExportRow export);

    /** The job's exports, its own tier first. */
    @SqlQuery("""
            SELECT e.* FROM render.exports e JOIN render.render_jobs j ON j.id = e.job_id
            WHERE e.job_id = :jobId
            ORDER BY e.tier = j.tier DESC, e.tier
            """)
    List<ExportRow> findExports(@Bind("jobId") UUID jobId);

    @SqlQuery("""
            SELECT e.* FROM render.exports e JOIN render.render_jobs j ON j.id = e.job_id
            WHERE e.job_id = ANY(:jobIds)
            ORDER BY e.job_id, e.tier = j.tier DESC, e.tier
            """)
    List<ExportRow> findExportsOf(@Bind("jobIds") UUID[] jobIds);
}
