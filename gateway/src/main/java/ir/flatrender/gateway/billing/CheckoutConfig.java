package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * How billing pays through the payment broker, as the broker's client app "FlatRender".
 *
 * @param brokerUrl the broker's base URL; empty: this gateway's own
 * @param publicUrl this gateway's public base URL, for the return and webhook URLs; empty: its
 *     listening address
 * @param clientId the client app's id
 * @param apiKey, hmacSecret, webhookSecret the client app's credentials
 */
public record CheckoutConfig(
        Optional<String> brokerUrl,
        Optional<String> publicUrl,
        UUID clientId,
        String apiKey,
        String hmacSecret,
        String webhookSecret) {
    public CheckoutConfig {
        requireNonNull(brokerUrl, "brokerUrl is null");
        requireNonNull(publicUrl, "publicUrl is null");
        requireNonNull(clientId, "clientId is null");
        requireNonNull(apiKey, "apiKey is null");
        requireNonNull(hmacSecret, "hmacSecret is null");
        requireNonNull(webhookSecret, "webhookSecret is null");
    }

    /**
     * Where a checkout sends its buyer back: the web app's page, which shows the outcome it
     * reads from {@link #RETURN_PATH} with the query it came back with.
     */
    public static final String PAGE_RETURN_PATH = "/checkout/return";

    /** The signed outcome, checked (the page's call, and any client's). */
    public static final String RETURN_PATH = "/v1/billing/checkouts/return";

    public static final String WEBHOOK_PATH = "/v1/billing/checkouts/webhook";
}
