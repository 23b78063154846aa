package ir.flatrender.orchestrator.jobs;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Handing pending chunks to nodes: each claim is one statement that picks with {@code FOR UPDATE
 * SKIP LOCKED} and makes every picked chunk a new attempt (the fencing token) on the node, so
 * that several orchestrators on one database never hand a chunk out twice. A claimed chunk is
 * {@code running} from the claim on, with {@code started_at} the time it was handed out: a node
 * starts an attempt as soon as it receives it, so its {@code ChunkStarted} needs no transaction of
 * its own ({@code assigned} is left for rows an earlier version claimed).
 */
@RegisterConstructorMapper(ChunkRow.class)
public interface ClaimDao {
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
                SET state = 'running', attempt = f.attempt + 1, node_id = :nodeId,
                    assigned_at = now(), started_at = now(), finished_at = NULL, frames_done = 0,
                    lease_expires_at = now() + make_interval(secs => :leaseSeconds), listed_at = NULL
                FROM picked
                WHERE f.id = picked.id AND f.state = 'pending'
                RETURNING f.*)
            """ + CLAIMED_ROWS;

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
                SET state = 'running', attempt = f.attempt + 1, node_id = s.node_id,
                    assigned_at = now(), started_at = now(), finished_at = NULL, frames_done = 0,
                    lease_expires_at = now() + make_interval(secs => :leaseSeconds), listed_at = NULL
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

    /**
     * Takes back an assignment that never reached its node (its stream closed between the claim
     * and the send): the chunk is pending again with the attempt number it had, so that every
     * attempt number a node was handed is one on record.
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0, attempt = attempt - 1,
                started_at = NULL
            WHERE id = :id AND attempt = :attempt AND state = 'running'
            """)
    int unclaimChunk(@Bind("id") UUID id, @Bind("attempt") long attempt);

    @SqlUpdate("""
            UPDATE render.render_jobs SET state = :to, updated_at = now(),
                started_at = coalesce(started_at, now())
            WHERE id = ANY(:ids) AND state = ANY(:from)
            """)
    int markStarted(@Bind("ids") UUID[] ids, @Bind("from") String[] from, @Bind("to") String to);
}
