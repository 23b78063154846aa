package ir.flatrender.gateway.webhooks;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.SecretBox;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's webhooks: made (the secret sealed, shown once), listed, removed, re-enabled, and
 * their deliveries read. Each call acts on the caller's tenant only; a tenant has at most
 * {@link #MAX_PER_TENANT}. Managed by a tenant admin, or an API key with the webhooks:write scope.
 */
public final class TenantWebhooks {
    /** Webhooks one tenant may have: each is a share of the deliverer's senders. */
    public static final int MAX_PER_TENANT = 10;

    /** A new webhook, its signing secret shown this once. */
    public record Created(String id, String url, List<String> events, String secret) {}

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final ObjectMapper json;

    public TenantWebhooks(Jdbi jdbi, SecretBox secrets, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** A tenant admin, or an API key with the webhooks:write scope. */
    static void requireManager(Principal principal) {
        if (principal.apiKeyId().isPresent()) {
            principal.requireScope("webhooks:write");
        } else {
            principal.require(Principal.Role.ADMIN);
        }
    }

    /** Makes a webhook (its URL checked by the caller); 409 past {@link #MAX_PER_TENANT}. */
    public Created create(Principal principal, String url, List<String> events, AuditLog.Origin origin) {
        requireManager(principal);
        String id = Webhooks.newWebhookId();
        String secret = WebhookSignature.newSecret();
        jdbi.useTransaction(handle -> {
            int made = handle.attach(TenantWebhookDao.class)
                    .insertBelow(
                            id,
                            principal.tenantId(),
                            url,
                            events.toArray(String[]::new),
                            secrets.seal(secret, "webhook:" + id),
                            MAX_PER_TENANT);
            if (made == 0) {
                throw Problem.conflict(
                        "webhook-limit",
                        "a tenant has at most " + MAX_PER_TENANT + " webhooks; delete one to make another");
            }
            AuditLog.record(
                    handle,
                    principal.tenantId(),
                    principal.userId(),
                    "webhook.created",
                    "webhook:" + id,
                    json.createObjectNode().put("url", url),
                    origin.requestId(),
                    origin.ip());
        });
        return new Created(id, url, List.copyOf(events), secret);
    }

    public List<TenantWebhookDao.WebhookRow> list(Principal principal) {
        requireManager(principal);
        return jdbi.withExtension(TenantWebhookDao.class, w -> w.list(principal.tenantId()));
    }

    /** 404 when the tenant has no such webhook. */
    public void delete(Principal principal, String id) {
        requireManager(principal);
        if (jdbi.withExtension(TenantWebhookDao.class, w -> w.delete(principal.tenantId(), id)) == 0) {
            throw Problem.notFound("webhook " + id);
        }
    }

    /** Turns a disabled webhook back on; 404 when the tenant has no such webhook. */
    public void enable(Principal principal, String id) {
        requireManager(principal);
        if (jdbi.withExtension(TenantWebhookDao.class, w -> w.enable(principal.tenantId(), id)) == 0) {
            throw Problem.notFound("webhook " + id);
        }
    }

    /** The webhook's newest 100 deliveries; 404 when the tenant has no such webhook. */
    public List<TenantWebhookDao.DeliveryRow> deliveries(Principal principal, String id) {
        requireManager(principal);
        return jdbi.withExtension(TenantWebhookDao.class, w -> {
            if (!w.exists(principal.tenantId(), id)) {
                throw Problem.notFound("webhook " + id);
            }
            return w.deliveries(principal.tenantId(), id);
        });
    }
}
