package ir.flatrender.orchestrator.failures;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code render.node_crashes} and {@code render.job_node_blocks}. */
public interface FailureDao {
    /** Records a failed attempt; a repeated report of the same attempt is recorded once. */
    @SqlUpdate("""
            INSERT INTO render.node_crashes (id, node_id, job_id, chunk_id, attempt, engine, kind, exit_code, signal,
                                             message, log_tail)
            VALUES (:id, :nodeId, :jobId, :chunkId, :attempt, :engine, :kind, :exitCode, :signal, :message, :logTail)
            ON CONFLICT (chunk_id, attempt) DO NOTHING
            """)
    int insertCrash(
            @Bind("id") UUID id,
            @Bind("nodeId") UUID nodeId,
            @Bind("jobId") UUID jobId,
            @Bind("chunkId") UUID chunkId,
            @Bind("attempt") long attempt,
            @Bind("engine") String engine,
            @Bind("kind") String kind,
            @Bind("exitCode") Integer exitCode,
            @Bind("signal") Integer signal,
            @Bind("message") String message,
            @Bind("logTail") String logTail);

    /**
     * Counts one more failure of the node on the job; at {@code limit} failures the node is
     * kept off the job. Answers whether the node is now kept off.
     */
    @SqlQuery("""
            INSERT INTO render.job_node_blocks (job_id, node_id, failures, blocked)
            VALUES (:jobId, :nodeId, 1, 1 >= :limit)
            ON CONFLICT (job_id, node_id) DO UPDATE SET
                failures = render.job_node_blocks.failures + 1,
                blocked = render.job_node_blocks.failures + 1 >= :limit,
                updated_at = now()
            RETURNING blocked
            """)
    boolean countFailure(@Bind("jobId") UUID jobId, @Bind("nodeId") UUID nodeId, @Bind("limit") int limit);

    /**
     * The nodes that could still run the job's chunks: they have its engine, are not disabled,
     * and are not kept off it. Offline nodes count: they may come back.
     */
    @SqlQuery("""
            SELECT n.name FROM render.nodes n
            WHERE :engine = ANY(n.engines) AND n.state <> 'disabled'
              AND NOT EXISTS (SELECT 1 FROM render.job_node_blocks b
                              WHERE b.job_id = :jobId AND b.node_id = n.id AND b.blocked)
            ORDER BY n.name
            """)
    List<String> ableNodes(@Bind("jobId") UUID jobId, @Bind("engine") String engine);

    /** The nodes kept off a job, for its failure message. */
    @SqlQuery("""
            SELECT n.name FROM render.job_node_blocks b JOIN render.nodes n ON n.id = b.node_id
            WHERE b.job_id = :jobId AND b.blocked
            ORDER BY n.name
            """)
    List<String> blockedNodes(@Bind("jobId") UUID jobId);

    /** A node's failures (its engine's, and attempts lost with it) within the window, and how many jobs they span. */
    record RecentFailures(int failures, int jobs) {}

    @SqlQuery("""
            SELECT count(*)::int AS failures, count(DISTINCT c.job_id)::int AS jobs
            FROM render.node_crashes c JOIN render.render_jobs j ON j.id = c.job_id
            WHERE c.node_id = :nodeId AND c.created_at > now() - make_interval(secs => :windowSeconds)
              AND c.kind = ANY(:kinds) AND NOT c.job_fault
              AND j.kind <> 'health_check'
            """)
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(RecentFailures.class)
    RecentFailures recentFailures(
            @Bind("nodeId") UUID nodeId, @Bind("windowSeconds") double windowSeconds, @Bind("kinds") String[] kinds);

    /** {@link #recentFailures(UUID, double, String[])} of the kinds that are the node's fault. */
    default RecentFailures recentFailures(UUID nodeId, double windowSeconds) {
        return recentFailures(nodeId, windowSeconds, FailureKind.nodeFaultNames());
    }

    /**
     * Marks as the job's fault the failures of the job that met the same failure (the same kind,
     * and the same message but for numbers and ids) on a node other than {@code nodeId}, and then
     * this attempt's own; answers the other nodes, none when no other node failed this way.
     */
    @SqlQuery("""
            WITH same AS (
                UPDATE render.node_crashes c SET job_fault = true
                WHERE c.job_id = :jobId AND c.node_id <> :nodeId AND c.kind = :kind
                  AND regexp_replace(regexp_replace(c.message,
                          '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '#', 'gi'), '[0-9]+', '#', 'g')
                    = regexp_replace(regexp_replace(CAST(:message AS text),
                          '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '#', 'gi'), '[0-9]+', '#', 'g')
                RETURNING c.node_id)
            SELECT DISTINCT s.node_id FROM same s
            """)
    List<UUID> markJobFault(
            @Bind("jobId") UUID jobId,
            @Bind("nodeId") UUID nodeId,
            @Bind("kind") String kind,
            @Bind("message") String message);

    @SqlUpdate("UPDATE render.node_crashes SET job_fault = true WHERE chunk_id = :chunkId AND attempt = :attempt")
    int markOwnJobFault(@Bind("chunkId") UUID chunkId, @Bind("attempt") long attempt);

    @SqlQuery("SELECT name FROM render.nodes WHERE id = ANY(:ids) ORDER BY name")
    List<String> nodeNames(@Bind("ids") UUID[] ids);

    /** A row of render.node_crashes with its node's name. */
    record CrashRow(
            UUID id,
            String nodeName,
            UUID jobId,
            UUID chunkId,
            long attempt,
            String engine,
            String kind,
            Integer exitCode,
            Integer signal,
            String message,
            String logTail,
            java.time.Instant createdAt) {}

    @SqlQuery("""
            SELECT c.id, n.name AS node_name, c.job_id, c.chunk_id, c.attempt, c.engine, c.kind, c.exit_code,
                   c.signal, c.message, c.log_tail, c.created_at
            FROM render.node_crashes c JOIN render.nodes n ON n.id = c.node_id
            WHERE (CAST(:node AS text) IS NULL OR n.name = :node OR n.id::text = :node)
              AND (CAST(:jobId AS uuid) IS NULL OR c.job_id = :jobId)
              AND (CAST(:since AS timestamptz) IS NULL OR c.created_at >= :since)
            ORDER BY c.created_at DESC
            LIMIT :limit
            """)
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(CrashRow.class)
    List<CrashRow> listCrashes(
            @Bind("node") String node,
            @Bind("jobId") UUID jobId,
            @Bind("since") java.time.Instant since,
            @Bind("limit") int limit);
}
