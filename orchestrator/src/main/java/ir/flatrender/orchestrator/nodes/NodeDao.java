package ir.flatrender.orchestrator.nodes;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(NodeRow.class)
public interface NodeDao {
    /**
     * Records a node that said hello; a node known by name keeps its id, and a state an
     * admin set (draining, disabled, quarantined) survives the reconnect.
     */
    @SqlQuery("""
            INSERT INTO render.nodes (id, name, hostname, version, engines, capabilities, slots, state,
                                      orchestrator_id, connected_at, last_seen_at)
            VALUES (:id, :name, :hostname, :version, :engines, CAST(:capabilities AS text[]), :slots, 'online',
                    :orchestratorId, now(), now())
            ON CONFLICT (name) DO UPDATE SET
                hostname = EXCLUDED.hostname, version = EXCLUDED.version, engines = EXCLUDED.engines,
                capabilities = EXCLUDED.capabilities,
                slots = EXCLUDED.slots, orchestrator_id = EXCLUDED.orchestrator_id,
                connected_at = now(), last_seen_at = now(), updated_at = now(),
                state = CASE WHEN render.nodes.state IN ('draining', 'disabled', 'quarantined')
                             THEN render.nodes.state ELSE 'online' END
            RETURNING id, name, hostname, version, engines, slots, state, orchestrator_id, connected_at, last_seen_at
            """)
    NodeRow upsertOnHello(
            @Bind("id") UUID id,
            @Bind("name") String name,
            @Bind("hostname") String hostname,
            @Bind("version") String version,
            @Bind("engines") String[] engines,
            @Bind("capabilities") String[] capabilities,
            @Bind("slots") int slots,
            @Bind("orchestratorId") UUID orchestratorId);

    /** Notes that these nodes were heard from (their heartbeats, renewed together). */
    @SqlUpdate("UPDATE render.nodes SET last_seen_at = now() WHERE id = ANY(:ids)")
    int touchAll(@Bind("ids") UUID[] ids);

    /** Marks a node offline, unless it has meanwhile connected to another orchestrator. */
    @SqlUpdate("""
            UPDATE render.nodes
            SET state = CASE WHEN state = 'online' THEN 'offline' ELSE state END,
                orchestrator_id = NULL, updated_at = now()
            WHERE id = :id AND orchestrator_id = :orchestratorId
            """)
    int disconnected(@Bind("id") UUID id, @Bind("orchestratorId") UUID orchestratorId);

    @SqlQuery("SELECT * FROM render.nodes WHERE id = :id")
    Optional<NodeRow> find(@Bind("id") UUID id);

    @SqlQuery("SELECT * FROM render.nodes ORDER BY name")
    List<NodeRow> list();
}
