package ir.flatrender.orchestrator.nodes;

import ir.flatrender.orchestrator.health.QuarantineDao;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The nodes' states as operators and the quarantine change them. */
@RegisterConstructorMapper(NodeView.class)
public interface NodeAdminDao {
    String VIEW = """
            SELECT n.id, n.name, n.hostname, n.version, n.engines, n.capabilities, n.slots, n.state, n.orchestrator_id,
                   n.last_seen_at,
                   (SELECT count(*) FROM render.frame_jobs f
                    WHERE f.node_id = n.id AND f.state IN ('assigned', 'running'))::int AS running_chunks,
                   n.quarantine_reason, n.quarantined_at, n.health_checks_failed, n.health_check_due_at,
                   n.health_check_job_id
            FROM render.nodes n
            """;

    /** By name, or by id. */
    @SqlQuery(VIEW + "WHERE n.name = :node OR n.id::text = :node")
    Optional<NodeView> find(@Bind("node") String node);

    @SqlQuery(VIEW + "WHERE CAST(:states AS text[]) IS NULL OR n.state = ANY(:states) ORDER BY n.name")
    List<NodeView> list(@Bind("states") String[] states);

    /** Quarantined nodes whose stream this orchestrator holds. */
    @SqlQuery(VIEW + "WHERE n.state = 'quarantined' AND n.orchestrator_id = :orchestratorId")
    List<NodeView> quarantinedHere(@Bind("orchestratorId") UUID orchestratorId);

    /** The states of the nodes connected to this orchestrator, to follow changes made through another. */
    @SqlQuery("SELECT id, state FROM render.nodes WHERE orchestrator_id = :orchestratorId")
    @RegisterConstructorMapper(IdState.class)
    List<IdState> statesHere(@Bind("orchestratorId") UUID orchestratorId);

    record IdState(UUID id, String state) {}

    @SqlUpdate("UPDATE render.nodes SET state = :to, updated_at = now() WHERE id = :id AND state = ANY(:from)")
    int setState(@Bind("id") UUID id, @Bind("from") String[] from, @Bind("to") String to);

    /** Back to work from one of {@code from}, quarantine lifted ({@link QuarantineDao#READMIT}). */
    @SqlUpdate(QuarantineDao.READMIT + "WHERE id = :id AND state = ANY(:from)")
    int readmit(@Bind("id") UUID id, @Bind("from") String[] from);

    @SqlUpdate("UPDATE render.nodes SET health_check_job_id = :jobId, updated_at = now() WHERE id = :id")
    int startHealthCheck(@Bind("id") UUID id, @Bind("jobId") UUID jobId);

    /** A health-check render failed: the next one is due after the backoff. */
    @SqlUpdate("""
            UPDATE render.nodes
            SET health_checks_failed = health_checks_failed + 1, health_check_job_id = NULL,
                health_check_due_at = :dueAt, updated_at = now()
            WHERE id = :id AND state = 'quarantined'
            """)
    int healthCheckFailed(@Bind("id") UUID id, @Bind("dueAt") Instant dueAt);
}
