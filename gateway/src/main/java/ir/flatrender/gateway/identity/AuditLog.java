package ir.flatrender.gateway.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Requests;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Appends to {@code identity.audit_log}, in the caller's transaction. */
public final class AuditLog {
    private AuditLog() {}

    /** Where an audited change came from: the request's id and the client's address. */
    public record Origin(String requestId, String ip) {
        /** The request's id and the client's address. */
        public static Origin of(Context ctx) {
            return new Origin(Requests.requestId(ctx), Requests.ip(ctx));
        }
    }

    public static void record(
            Handle handle,
            UUID tenantId,
            Optional<UUID> userId,
            String action,
            String target,
            JsonNode details,
            String requestId,
            String ip) {
        handle.createUpdate("""
                        INSERT INTO identity.audit_log (tenant_id, user_id, action, target, details, request_id, ip)
                        VALUES (:tenant, :user, :action, :target, CAST(:details AS jsonb), :request, CAST(:ip AS inet))
                        """)
                .bind("tenant", tenantId)
                .bind("user", userId.orElse(null))
                .bind("action", action)
                .bind("target", target)
                .bind("details", details.toString())
                .bind("request", requestId)
                .bind("ip", ip)
                .execute();
    }
}
