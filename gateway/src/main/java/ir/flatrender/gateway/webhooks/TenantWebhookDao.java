package ir.flatrender.gateway.webhooks;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.tenant_webhooks} as their tenant manages them (the secret sealed), and their deliveries. */
@RegisterConstructorMapper(TenantWebhookDao.WebhookRow.class)
@RegisterConstructorMapper(TenantWebhookDao.DeliveryRow.class)
public interface TenantWebhookDao {
    /** A webhook as its tenant lists it; never the secret. */
    record WebhookRow(
            String id, String url, String[] events, boolean enabled, String disabledReason, OffsetDateTime createdAt) {}

    /** A delivery; {@code lastStatus}, {@code lastError} and {@code deliveredAt} are null until set. */
    record DeliveryRow(
            String id,
            String event,
            String state,
            int attempts,
            OffsetDateTime nextAttemptAt,
            Integer lastStatus,
            String lastError,
            OffsetDateTime deliveredAt,
            OffsetDateTime createdAt) {}

    /** Inserts the webhook unless the tenant has {@code max} already; answers 1 when it did. */
    @SqlUpdate("""
            INSERT INTO identity.tenant_webhooks (id, tenant_id, url, events, secret_encrypted)
            SELECT :id, :t, :url, :events, :secret
            WHERE (SELECT count(*) FROM identity.tenant_webhooks WHERE tenant_id = :t) < :max
            """)
    int insertBelow(
            @Bind("id") String id,
            @Bind("t") UUID tenantId,
            @Bind("url") String url,
            @Bind("events") String[] events,
            @Bind("secret") String sealedSecret,
            @Bind("max") int max);

    @SqlQuery("""
            SELECT id, url, events, enabled, disabled_reason, created_at FROM identity.tenant_webhooks
            WHERE tenant_id = :t ORDER BY created_at
            """)
    List<WebhookRow> list(@Bind("t") UUID tenantId);

    @SqlUpdate("DELETE FROM identity.tenant_webhooks WHERE id = :id AND tenant_id = :t")
    int delete(@Bind("t") UUID tenantId, @Bind("id") String id);

    @SqlUpdate("""
            UPDATE identity.tenant_webhooks SET enabled = true, disabled_reason = NULL
            WHERE id = :id AND tenant_id = :t
            """)
    int enable(@Bind("t") UUID tenantId, @Bind("id") String id);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM identity.tenant_webhooks WHERE id = :id AND tenant_id = :t)")
    boolean exists(@Bind("t") UUID tenantId, @Bind("id") String id);

    @SqlQuery("""
            SELECT id, event, state, attempts, next_attempt_at, last_status, last_error, delivered_at, created_at
            FROM identity.webhook_deliveries WHERE webhook_id = :id AND tenant_id = :t
            ORDER BY created_at DESC LIMIT 100
            """)
    List<DeliveryRow> deliveries(@Bind("t") UUID tenantId, @Bind("id") String webhookId);
}
