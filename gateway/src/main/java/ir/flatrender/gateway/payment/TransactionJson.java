package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.payment.Transactions.Transaction;
import java.time.Instant;

/** A transaction on the wire: as clients and webhooks see it, and as admins do. */
final class TransactionJson {
    private final ZarinPal zarinPal;
    private final ObjectMapper json;

    TransactionJson(ZarinPal zarinPal, ObjectMapper json) {
        this.zarinPal = requireNonNull(zarinPal, "zarinPal is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** A transaction as admins see it: as clients do, and what the broker knows of its verification. */
    ObjectNode toAdminJson(Transaction t) {
        ObjectNode node = toJson(t);
        node.put("buyer_status", t.buyerStatus().orElse(null));
        node.put("verify_attempts", t.verifyAttempts());
        if (t.attention().isPresent()) {
            node.putObject("attention")
                    .put("message", t.attention().get())
                    .put("since", t.attentionAt().map(Instant::toString).orElse(null));
        } else {
            node.putNull("attention");
        }
        return node;
    }

    /** A transaction as clients and webhooks see it (PAYMENTS.md section 4). */
    ObjectNode toJson(Transaction t) {
        ObjectNode node = json.createObjectNode();
        node.put("id", t.id().toString());
        node.put("client_id", t.clientId().toString());
        node.put("order_id", t.orderId());
        node.put("amount", t.amountRial());
        node.put("currency", "IRR");
        node.put("description", t.description());
        ObjectNode metadata = node.putObject("metadata");
        t.mobile().ifPresent(m -> metadata.put("mobile", m));
        t.email().ifPresent(e -> metadata.put("email", e));
        node.put("status", t.status());
        node.put("authority", t.authority().orElse(null));
        node.put(
                "payment_url",
                t.authority()
                        .filter(a -> t.pending())
                        .map(zarinPal::startPayUrl)
                        .orElse(null));
        // A string: ZarinPal's reference numbers may not fit 64 bits, nor a JavaScript number.
        node.put("ref_id", t.refId().orElse(null));
        node.put("card_pan", t.cardPan().orElse(null));
        node.put("card_hash", t.cardHash().orElse(null));
        if (t.feeRial().isPresent()) {
            node.put("fee", t.feeRial().get());
        } else {
            node.putNull("fee");
        }
        node.put("fee_type", t.feeType().orElse(null));
        if (t.failureCode().isPresent() || t.failureMessage().isPresent()) {
            ObjectNode failure = node.putObject("failure");
            t.failureCode().ifPresentOrElse(c -> failure.put("code", c), () -> failure.putNull("code"));
            failure.put("message", t.failureMessage().orElse(null));
        } else {
            node.putNull("failure");
        }
        node.put("last_error", t.lastError().orElse(null));
        node.put("paid_after", t.paidAfter().orElse(null));
        node.put("created_at", t.createdAt().toString());
        node.put("expires_at", t.expiresAt().toString());
        node.put("paid_at", t.paidAt().map(Instant::toString).orElse(null));
        return node;
    }
}
