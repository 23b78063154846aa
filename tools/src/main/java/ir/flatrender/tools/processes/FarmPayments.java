package ir.flatrender.tools.processes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.billing.CheckoutConfig;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.payment.ClientApps;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import ir.flatrender.tools.SecretFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * FlatRender as a client of its own payment broker: the client app "FlatRender" whose
 * credentials a data directory keeps ({@code pay-client}, owner-only, made once), provisioned
 * in the broker once the gateway listens, so that plan checkouts pay through it.
 */
final class FarmPayments {
    /** The id of FlatRender's own client app. */
    static final UUID FLATRENDER_CLIENT = UUID.fromString("00000000-0000-0000-0000-00000000f1a7");

    /** The merchant dev and the tests use with the emulator. */
    static final String DEV_MERCHANT = "00000000-0000-0000-0000-000000000000";

    static final String CLIENT_FILE = "pay-client";

    record OwnClient(String apiKey, String hmacSecret, String webhookSecret) {}

    private FarmPayments() {}

    static OwnClient readOrCreate(Path data, ObjectMapper json) throws IOException {
        String text = SecretFiles.readOrCreate(
                data.resolve(CLIENT_FILE),
                () -> json.createObjectNode()
                        .put("api_key", ClientApps.newApiKey())
                        .put("hmac_secret", Secrets.generate("fps_"))
                        .put("webhook_secret", WebhookSignature.newSecret())
                        .toString());
        JsonNode node = json.readTree(text);
        return new OwnClient(
                node.path("api_key").asText(),
                node.path("hmac_secret").asText(),
                node.path("webhook_secret").asText());
    }

    static CheckoutConfig checkout(OwnClient client) {
        return new CheckoutConfig(
                Optional.empty(),
                Optional.empty(),
                FLATRENDER_CLIENT,
                client.apiKey(),
                client.hmacSecret(),
                client.webhookSecret());
    }

    /**
     * Makes (or updates) the client app in the gateway's broker, its URLs this gateway's: buyers
     * come back to the web app's page, and (checkouts made before it) the API's return.
     */
    static void provision(Gateway gateway, OwnClient client, String gatewayUrl) {
        gateway.payments()
                .orElseThrow()
                .clients()
                .provision(
                        FLATRENDER_CLIENT,
                        "FlatRender",
                        List.of(gatewayUrl + CheckoutConfig.PAGE_RETURN_PATH, gatewayUrl + CheckoutConfig.RETURN_PATH),
                        gatewayUrl + CheckoutConfig.WEBHOOK_PATH,
                        client.apiKey(),
                        client.hmacSecret(),
                        client.webhookSecret());
    }
}
