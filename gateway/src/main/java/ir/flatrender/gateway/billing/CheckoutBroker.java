package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** What a plan checkout needs of the payment broker: a payment asked for. */
public interface CheckoutBroker {
    /** The broker's transaction and the page the buyer pays on. */
    record Requested(UUID transactionId, String paymentUrl) {
        public Requested {
            requireNonNull(transactionId, "transactionId is null");
            requireNonNull(paymentUrl, "paymentUrl is null");
        }
    }

    /** Asks for a payment; the broker's refusal is a {@link ir.flatrender.gateway.http.Problem}. */
    Requested request(long amountRial, String orderId, String description, String returnUrl);
}
