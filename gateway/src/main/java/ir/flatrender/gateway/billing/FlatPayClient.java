package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.payment.ClientSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** The broker's client API as FlatRender's own billing calls it: signed per PAYMENTS.md section 2. */
final class FlatPayClient {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;
    private final String hmacSecret;
    private final ObjectMapper json;

    FlatPayClient(String apiKey, String hmacSecret, ObjectMapper json) {
        this.apiKey = requireNonNull(apiKey, "apiKey is null");
        this.hmacSecret = requireNonNull(hmacSecret, "hmacSecret is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Posts {@code body} to the broker at {@code baseUrl + path}; a refusal becomes a 502 problem saying why. */
    JsonNode post(String baseUrl, String path, JsonNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        String nonceText = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey)
                .header("X-FlatPay-Timestamp", Long.toString(timestamp))
                .header("X-FlatPay-Nonce", nonceText)
                .header(
                        "X-FlatPay-Signature",
                        ClientSignature.signRequest(hmacSecret, "POST", path, timestamp, nonceText, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = json.readTree(response.body());
            if (response.statusCode() / 100 != 2) {
                throw Problem.of(
                        502,
                        "payment-broker-refused",
                        "The payment broker refused the payment",
                        answer.path("detail").asText("the broker answered " + response.statusCode()));
            }
            return answer;
        } catch (IOException e) {
            throw Problem.unavailable("the payment broker did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while asking the payment broker");
        }
    }
}
