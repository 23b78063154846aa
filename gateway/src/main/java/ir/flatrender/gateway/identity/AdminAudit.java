package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;

/**
 * A farm administrator's actions (the console's, the admin API's) in the audit log, under the
 * tenant they act on or, for the farm's own things, the administrator's.
 */
public final class AdminAudit {
    private final Jdbi jdbi;

    public AdminAudit(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    /** Recorded under the administrator's own tenant (the farm's nodes and jobs, client apps). */
    public void record(
            Principal administrator, String action, String target, JsonNode details, AuditLog.Origin origin) {
        record(administrator.tenantId(), administrator, action, target, details, origin);
    }

    /** Recorded under {@code tenant}, the one the action changed. */
    public void record(
            java.util.UUID tenant,
            Principal administrator,
            String action,
            String target,
            JsonNode details,
            AuditLog.Origin origin) {
        jdbi.useTransaction(handle -> AuditLog.record(
                handle, tenant, administrator.userId(), action, target, details, origin.requestId(), origin.ip()));
    }
}
