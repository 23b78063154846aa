package ir.flatrender.tools.processes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.billing.CheckoutConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's payment: a new tenant buys a plan through FlatRender's own checkout, pays at the
 * ZarinPal emulator's StartPay page, comes back through the broker's callback, and the
 * broker's webhook credits the wallet. Everything over the gateway's HTTP API, as a browser
 * and a web client would.
 */
final class DemoCheckout {
    /** What the demo shows of it. */
    record Paid(String plan, long amountRial, String refId, long creditedRial) {}

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String gateway;
    private final ObjectMapper json;

    DemoCheckout(int gatewayPort, ObjectMapper json) {
        this.gateway = "http://127.0.0.1:" + gatewayPort;
        this.json = requireNonNull(json, "json is null");
    }

    Paid buy(String plan) throws IOException, InterruptedException {
        JsonNode session = json(post(
                gateway + "/v1/auth/signup",
                null,
                json.createObjectNode()
                        .put("email", "demo-" + UUID.randomUUID().toString().substring(0, 8) + "@flatrender.local")
                        .put("password", UUID.randomUUID().toString())
                        .put("name", "Demo buyer")
                        .toString()));
        String token = session.path("access_token").asText();
        JsonNode checkout = json(post(
                gateway + "/v1/billing/checkouts",
                token,
                json.createObjectNode().put("plan_id", plan).toString()));
        // The buyer presses Pay at StartPay; ZarinPal sends them to the broker's callback, which
        // verifies and sends them back to the checkout's return page.
        String callback = location(post(checkout.path("payment_url").asText() + "/pay", null, ""));
        HttpResponse<String> verified =
                send(HttpRequest.newBuilder(URI.create(callback)).GET());
        // A 202 is the broker's "we are confirming your payment" page: reloaded, as a browser does.
        for (int reloads = 0; verified.statusCode() == 202 && reloads < 20; reloads++) {
            verified = send(HttpRequest.newBuilder(URI.create(callback)).GET());
        }
        // Back at the web app's return page, which asks the API with the query it came back with.
        String back = location(verified);
        JsonNode returned = json(send(HttpRequest.newBuilder(URI.create(gateway + CheckoutConfig.RETURN_PATH + "?"
                        + URI.create(back).getRawQuery()))
                .GET()));
        if (!returned.path("payment_status").asText().equals("paid")) {
            throw new IllegalStateException("the demo's payment ended "
                    + returned.path("payment_status").asText());
        }
        // The credit arrives with the broker's webhook, sent from its outbox within a second or so.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode wallet = json(send(HttpRequest.newBuilder(URI.create(gateway + "/v1/wallet"))
                    .header("Authorization", "Bearer " + token)
                    .GET()));
            long credited = wallet.path("credited_rial").asLong();
            if (credited > 0) {
                return new Paid(
                        plan,
                        checkout.path("amount_rial").asLong(),
                        returned.path("ref_id").asText(),
                        credited);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker's webhook did not credit the wallet within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private HttpResponse<String> post(String url, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    response.request().uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private static String location(HttpResponse<String> response) {
        if (response.statusCode() != 302) {
            throw new IllegalStateException(
                    response.request().uri().getPath() + " answered " + response.statusCode() + ", not a redirect");
        }
        return response.headers().firstValue("Location").orElseThrow();
    }
}
