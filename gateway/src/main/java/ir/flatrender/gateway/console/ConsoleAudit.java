package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import org.jdbi.v3.core.Jdbi;

/** The console's actions on the farm, in the audit log under the administrator's tenant. */
public final class ConsoleAudit {
    private final Jdbi jdbi;

    public ConsoleAudit(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    void record(Principal administrator, String action, String target, JsonNode details, AuditLog.Origin origin) {
        jdbi.useTransaction(handle -> AuditLog.record(
                handle,
                administrator.tenantId(),
                administrator.userId(),
                action,
                target,
                details,
                origin.requestId(),
                origin.ip()));
    }
}
