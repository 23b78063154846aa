package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import java.util.function.Supplier;

/** {@link CheckoutBroker} over the broker's signed client API ({@code /v1/pay/request}). */
public final class FlatPayCheckoutBroker implements CheckoutBroker {
    private final FlatPayClient client;
    private final CheckoutConfig config;
    private final Supplier<String> ownUrl;
    private final ObjectMapper json;

    public FlatPayCheckoutBroker(CheckoutConfig config, Supplier<String> ownUrl, ObjectMapper json) {
        this.config = requireNonNull(config, "config is null");
        this.ownUrl = requireNonNull(ownUrl, "ownUrl is null");
        this.json = requireNonNull(json, "json is null");
        this.client = new FlatPayClient(config.apiKey(), config.hmacSecret(), json);
    }

    @Override
    public Requested request(long amountRial, String orderId, String description, String returnUrl) {
        ObjectNode ask = json.createObjectNode();
        ask.put("amount", amountRial);
        ask.put("order_id", orderId);
        ask.put("description", description);
        ask.put("return_url", returnUrl);
        JsonNode transaction = client.post(config.brokerUrl().orElseGet(ownUrl), "/v1/pay/request", ask);
        return new Requested(
                UUID.fromString(transaction.path("id").asText()),
                transaction.path("payment_url").asText());
    }
}
