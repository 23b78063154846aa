package ir.flatrender.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * A chunk's attempt while it is out on a node: renewed, done, failed, lost, given back,
 * adopted after a restart. Every update names the attempt, the fencing token, and the states it
 * may come from; a stale attempt changes nothing.
 */
@RegisterConstructorMapper(ChunkLease.class)
public interface LeaseDao {

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

    /**
     * Gives a chunk attempt back without a failure: pending again, its attempt number spent
     * (never handed out again) and on record in {@code render.chunk_returns}, in one statement.
     * With {@code unlistedOnly}, only while no node listed the attempt ({@code listed_at} null):
     * the restart grace's check, made again at the moment of the return, since another
     * orchestrator on the database may have heard the node list it since the grace began.
     */
    @SqlQuery("""
            WITH returned AS (
                UPDATE render.frame_jobs f
                SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0
                FROM (SELECT id, node_id FROM render.frame_jobs WHERE id = :id FOR UPDATE) old
                WHERE f.id = old.id AND f.attempt = :attempt AND f.state = ANY(:from)
                  AND (NOT :unlistedOnly OR f.listed_at IS NULL)
                RETURNING f.id, f.job_id, old.node_id, f.attempt),
            recorded AS (
                INSERT INTO render.chunk_returns (chunk_id, attempt, job_id, node_id, reason)
                SELECT id, attempt, job_id, node_id, :reason FROM returned
                ON CONFLICT DO NOTHING)
            SELECT count(*) FROM returned
            """)
    int returnChunk(
            @Bind("id") UUID id,
            @Bind("attempt") long attempt,
            @Bind("from") String[] from,
            @Bind("reason") String reason,
            @Bind("unlistedOnly") boolean unlistedOnly);

    /**
     * Gives back, without a failure, every chunk attempt out on a node (it was disabled, or it
     * said it was leaving); each on record in {@code render.chunk_returns}.
     */
    @SqlQuery("""
            WITH returned AS (
                UPDATE render.frame_jobs
                SET state = 'pending', node_id = NULL, lease_expires_at = NULL, frames_done = 0
                WHERE node_id = :nodeId AND state = ANY(:from)
                RETURNING id, job_id, attempt),
            recorded AS (
                INSERT INTO render.chunk_returns (chunk_id, attempt, job_id, node_id, reason)
                SELECT id, attempt, job_id, :nodeId, :reason FROM returned
                ON CONFLICT DO NOTHING)
            SELECT id, job_id, :nodeId AS node_id, attempt FROM returned
            """)
    List<ChunkLease> returnNodeChunks(
            @Bind("nodeId") UUID nodeId, @Bind("from") String[] from, @Bind("reason") String reason);

    /**
     * Keeps a chunk attempt a reconnecting node still runs: only the current attempt, on the
     * same node, still out; its lease starts again.
     */
    @SqlUpdate("""
            UPDATE render.frame_jobs
            SET lease_expires_at = now() + make_interval(secs => :leaseSeconds), listed_at = now()
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

    /** Every chunk attempt out on a node, whichever node. */
    @SqlQuery("""
            SELECT id, job_id, node_id, attempt FROM render.frame_jobs
            WHERE state = ANY(:from) AND node_id IS NOT NULL
            ORDER BY job_id, node_id, seq
            """)
    List<ChunkLease> nodeChunksAll(@Bind("from") String[] from);

    /**
     * The chunk attempts out on a node that the node never listed (no heartbeat of its listing
     * one renewed, no hello adopted it): each may never have reached it.
     */
    @SqlQuery("""
            SELECT id, job_id, node_id, attempt FROM render.frame_jobs
            WHERE state = ANY(:from) AND node_id IS NOT NULL AND listed_at IS NULL
            ORDER BY job_id, node_id, seq
            """)
    List<ChunkLease> unheardAssignments(@Bind("from") String[] from);

    /**
     * The restart grace, extended: the attempts out on the given nodes (not back yet) run out no
     * sooner than a lease from now. Rows locked in chunk order, as the renewals lock them.
     */
    @SqlUpdate("""
            WITH locked AS MATERIALIZED (
                SELECT id FROM render.frame_jobs
                WHERE node_id = ANY(:nodes) AND state = ANY(:from)
                  AND lease_expires_at < now() + make_interval(secs => :graceSeconds)
                ORDER BY id
                FOR UPDATE)
            UPDATE render.frame_jobs f
            SET lease_expires_at = now() + make_interval(secs => :graceSeconds)
            FROM locked
            WHERE f.id = locked.id
            """)
    int graceNodeLeases(
            @Bind("nodes") UUID[] nodes, @Bind("from") String[] from, @Bind("graceSeconds") double graceSeconds);

    /** A lease renewed by a heartbeat: the attempt, its node, and when it now runs out. */
    record RenewedLease(UUID id, UUID nodeId, long attempt, Instant leaseExpiresAt) {}

    /**
     * Renews, in one statement, the leases of the chunk attempts that many nodes say they run
     * (their latest heartbeats' lists, one row per listed attempt: {@code nodes[i]} runs attempt
     * {@code attempts[i]} of chunk {@code ids[i]}), and only those: an attempt the database has on
     * a node that the node does not run any more (its report was lost, say while the database was
     * away) runs out and goes back to pending; an attempt fenced off (handed elsewhere, failed, a
     * stalled upload ended) is not renewed. Answers each lease renewed with its new expiry, which
     * is sent back to its node once committed. The rows are locked in chunk order first, so two
     * orchestrators renewing at once cannot deadlock on them.
     */
    @SqlQuery("""
            WITH listed AS (
                SELECT DISTINCT r.node_id, r.id, r.attempt
                FROM unnest(CAST(:nodes AS uuid[]), CAST(:ids AS uuid[]), CAST(:attempts AS bigint[]))
                     AS r(node_id, id, attempt)),
            locked AS MATERIALIZED (
                SELECT f.id FROM render.frame_jobs f JOIN listed l
                  ON f.id = l.id AND f.attempt = l.attempt AND f.node_id = l.node_id
                WHERE f.state = ANY(:from)
                ORDER BY f.id
                FOR UPDATE OF f)
            UPDATE render.frame_jobs f
            SET lease_expires_at = now() + make_interval(secs => :leaseSeconds), listed_at = now()
            FROM locked
            WHERE f.id = locked.id
            RETURNING f.id, f.node_id, f.attempt, f.lease_expires_at
            """)
    @RegisterConstructorMapper(RenewedLease.class)
    List<RenewedLease> renewLeases(
            @Bind("nodes") UUID[] nodes,
            @Bind("ids") UUID[] ids,
            @Bind("attempts") long[] attempts,
            @Bind("from") String[] from,
            @Bind("leaseSeconds") double leaseSeconds);

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
}
