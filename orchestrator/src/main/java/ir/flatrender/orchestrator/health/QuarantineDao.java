package ir.flatrender.orchestrator.health;

import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** A node's quarantine in {@code render.nodes}: put in by its failures across jobs, lifted when they were a job's. */
public interface QuarantineDao {
    /**
     * What lifting a node's quarantine (or letting a drained or disabled node back) sets: online
     * while connected, else offline (it comes back online when it connects).
     */
    String READMIT = """
            UPDATE render.nodes
            SET state = CASE WHEN orchestrator_id IS NULL THEN 'offline' ELSE 'online' END,
                quarantine_reason = NULL, quarantined_at = NULL, health_checks_failed = 0,
                health_check_due_at = NULL, health_check_job_id = NULL, updated_at = now()
            """;

    /** Quarantines a node taking or finishing work; its first health-check render is due at once. */
    @SqlUpdate("""
            UPDATE render.nodes
            SET state = 'quarantined', quarantine_reason = :reason, quarantined_at = now(), health_checks_failed = 0,
                health_check_due_at = now(), health_check_job_id = NULL, updated_at = now()
            WHERE id = :id AND state IN ('online', 'draining', 'offline')
            """)
    int quarantine(@Bind("id") UUID id, @Bind("reason") String reason);

    /** Lifts a node's quarantine. */
    @SqlUpdate(READMIT + "WHERE id = :id AND state = 'quarantined'")
    int readmitQuarantined(@Bind("id") UUID id);
}
