package ir.flatrender.gateway.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** The tenant webhooks' outbox: events written in the caller's transaction, sent later. */
public final class Webhooks {
    public static final Set<String> EVENTS = Set.of("render.succeeded", "render.failed");
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Webhooks() {}

    static String randomId(String prefix, int length, String alphabet) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    public static String newWebhookId() {
        return randomId("wh_", 16, "0123456789abcdefghijklmnopqrstuvwxyz");
    }

    public static String newMessageId() {
        return randomId("msg_", 24, ALPHABET);
    }

    /**
     * Queues {@code event} for every enabled webhook of the tenant that takes it; the payload
     * is the Standard Webhooks shape {@code {type, timestamp, data}}. Answers the message ids.
     */
    public static List<String> enqueue(Handle handle, ObjectMapper json, UUID tenantId, String event, JsonNode data) {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", event);
        payload.put("timestamp", Instant.now().toString());
        payload.set("data", data);
        List<String> webhooks = handle.createQuery("""
                        SELECT id FROM identity.tenant_webhooks
                        WHERE tenant_id = :t AND enabled AND :event = ANY (events)
                        """)
                .bind("t", tenantId)
                .bind("event", event)
                .mapTo(String.class)
                .list();
        List<String> ids = new java.util.ArrayList<>();
        for (String webhook : webhooks) {
            String id = newMessageId();
            handle.createUpdate("""
                            INSERT INTO identity.webhook_deliveries (id, webhook_id, tenant_id, event, payload)
                            VALUES (:id, :webhook, :t, :event, CAST(:payload AS jsonb))
                            """)
                    .bind("id", id)
                    .bind("webhook", webhook)
                    .bind("t", tenantId)
                    .bind("event", event)
                    .bind("payload", payload.toString())
                    .execute();
            ids.add(id);
        }
        return ids;
    }
}
