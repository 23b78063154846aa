package ir.flatrender.gateway.webhooks;

import java.util.Optional;

/**
 * Where a {@link WebhookDeliverer}'s outbox lives: its deliveries table ({@code id, <target> , payload, state,
 * attempts, next_attempt_at, last_status, last_error, delivered_at}) and the table of the
 * targets they go to, with the columns of the target's URL and sealed secret.
 *
 * @param secretContext the {@link ir.flatrender.gateway.identity.SecretBox} context of a target's secret, before its id
 * @param disableTarget the statement disabling a target (binds {@code :id}, {@code :reason})
 *     once a delivery fails for good; empty to leave the target as it is
 * @param partyColumn the deliveries' column naming whose they are (a tenant): the unit of
 *     the per-party cap and of fair ordering
 */
public record Outbox(
        String name,
        String deliveries,
        String targetColumn,
        String targets,
        String urlColumn,
        String secretColumn,
        String secretContext,
        Optional<String> disableTarget,
        String partyColumn) {
    /** The tenants' webhooks of the identity schema. */
    public static final Outbox TENANT_WEBHOOKS = new Outbox(
            "webhook-deliverer",
            "identity.webhook_deliveries",
            "webhook_id",
            "identity.tenant_webhooks",
            "url",
            "secret_encrypted",
            "webhook:",
            Optional.of(
                    "UPDATE identity.tenant_webhooks SET enabled = false, disabled_reason = :reason WHERE id = :id"),
            "tenant_id");
}
