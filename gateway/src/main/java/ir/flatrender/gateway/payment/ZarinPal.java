package ir.flatrender.gateway.payment;

import static ir.flatrender.gateway.payment.ZarinPalWire.code;
import static ir.flatrender.gateway.payment.ZarinPalWire.intValue;
import static ir.flatrender.gateway.payment.ZarinPalWire.longValue;
import static ir.flatrender.gateway.payment.ZarinPalWire.refId;
import static ir.flatrender.gateway.payment.ZarinPalWire.text;
import static ir.flatrender.gateway.payment.ZarinPalWire.toRial;
import static ir.flatrender.gateway.payment.ZarinPalWire.toUnit;
import static ir.flatrender.gateway.payment.ZarinPalWire.validations;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of ZarinPal's v4 JSON API: {@code request.json} opens a payment and gives its
 * authority, the buyer is sent to {@link #startPayUrl(String) StartPay}, {@code verify.json}
 * settles it, and {@code unVerified.json} lists the paid payments not verified yet.
 *
 * <p>Amounts are Rial on this side of the API whatever {@link Unit} the merchant's terminal
 * speaks: they are converted to the unit when sent and back to Rial when read (fees too).
 *
 * <p>ZarinPal answers {@code {"data": ..., "errors": ...}} where each of {@code data} and
 * {@code errors} is either an object or an empty array ({@code []}), and an error's
 * {@code validations} is either an array of objects or an object; all of these are read
 * leniently. A refusal (a ZarinPal code other than success) and ZarinPal not answering (no
 * connection, a timeout, a 5xx, or a body that is not ZarinPal's JSON, such as a CDN's HTML
 * page) are both a {@link ZarinPalException}, told apart by {@link ZarinPalException#unreachable()}.
 */
public final class ZarinPal {
    private static final Logger log = LoggerFactory.getLogger(ZarinPal.class);

    /** The currency a terminal speaks: Rial, or Toman ({@code IRT}, a tenth of the Rial amount). */
    public enum Unit {
        IRR,
        IRT
    }

    public static final String PRODUCTION = "https://payment.zarinpal.com";
    public static final String SANDBOX = "https://sandbox.zarinpal.com";

    private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9._~-]+");

    private final String baseUrl;
    private final Duration timeout;
    private final ObjectMapper json;
    private final HttpClient http;

    /**
     * @param baseUrl {@link #PRODUCTION}, {@link #SANDBOX} or any http(s) base URL (an emulator);
     *     a trailing {@code /} is dropped
     * @param timeout how long a call may take, connecting included, before ZarinPal counts as
     *     unreachable
     */
    public ZarinPal(String baseUrl, Duration timeout, ObjectMapper json) {
        requireNonNull(baseUrl, "baseUrl is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.json = requireNonNull(json, "json is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the ZarinPal timeout must be positive, not " + timeout);
        }
        String base = baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the ZarinPal base URL is not a URL: " + baseUrl, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the ZarinPal base URL must be http or https: " + baseUrl);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the ZarinPal base URL has no host: " + baseUrl);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the ZarinPal base URL must not have a query or fragment: " + baseUrl);
        }
        this.baseUrl = base;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Where the buyer is sent to pay the payment of {@code authority}. */
    public String startPayUrl(String authority) {
        return baseUrl + "/pg/StartPay/" + checkAuthority(authority);
    }

    /** A payment opened: its authority, and ZarinPal's fee in Rial. */
    public record Requested(String authority, long feeRial, String feeType) {}

    /**
     * A payment verified now ({@code code} 100) or before (101).
     *
     * @param refId ZarinPal's reference number exactly, as decimal digits (it may not fit 64
     *     bits); null when the answer had none, or not a positive whole number
     */
    public record Verified(int code, String refId, String cardPan, String cardHash, long feeRial, String feeType) {
        public boolean alreadyVerified() {
            return code == 101;
        }
    }

    /** A paid payment not verified yet; its amount in Rial. */
    public record Unverified(String authority, long amountRial, String callbackUrl, String date) {}

    /**
     * Opens a payment.
     *
     * @param amountRial the amount in Rial, canonical; sent in {@code unit} ({@link Unit#IRT}
     *     requires a multiple of 10, else {@link IllegalArgumentException})
     * @param mobile the buyer's mobile, or null
     * @param email the buyer's email, or null
     * @param orderId our order id, or null
     * @param expireIn how long the buyer may pay, sent as {@code expire_in} (seconds) so that
     *     ZarinPal stops taking the payment when the broker stops waiting for it; null: not sent
     */
    public Requested request(
            String merchantId,
            long amountRial,
            Unit unit,
            String description,
            String callbackUrl,
            String mobile,
            String email,
            String orderId,
            Duration expireIn)
            throws ZarinPalException {
        requireNonNull(merchantId, "merchantId is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(description, "description is null");
        requireNonNull(callbackUrl, "callbackUrl is null");
        long amount = toUnit(amountRial, unit);
        ObjectNode body = json.createObjectNode()
                .put("merchant_id", merchantId)
                .put("amount", amount)
                .put("currency", unit.name())
                .put("description", description)
                .put("callback_url", callbackUrl);
        if (expireIn != null) {
            body.put("expire_in", expireIn.toSeconds());
        }
        ObjectNode metadata = json.createObjectNode();
        if (mobile != null) {
            metadata.put("mobile", mobile);
        }
        if (email != null) {
            metadata.put("email", email);
        }
        if (orderId != null) {
            metadata.put("order_id", orderId);
        }
        if (!metadata.isEmpty()) {
            body.set("metadata", metadata);
        }
        String operation = "the payment request";
        JsonNode data = call("/pg/v4/payment/request.json", body, operation, false);
        String authority = text(data, "authority");
        if (authority == null || authority.isBlank()) {
            throw unreachable(operation, "ZarinPal answered success without an authority", null);
        }
        return new Requested(authority, toRial(longValue(data, "fee"), unit), text(data, "fee_type"));
    }

    /**
     * Verifies the payment of {@code authority}; code 101 (verified before) is a success too,
     * {@link Verified#alreadyVerified()}.
     *
     * @param amountRial the payment's amount in Rial, sent in {@code unit}
     */
    public Verified verify(String merchantId, long amountRial, Unit unit, String authority) throws ZarinPalException {
        requireNonNull(merchantId, "merchantId is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(authority, "authority is null");
        long amount = toUnit(amountRial, unit);
        ObjectNode body = json.createObjectNode()
                .put("merchant_id", merchantId)
                .put("amount", amount)
                .put("authority", authority);
        JsonNode data = call("/pg/v4/payment/verify.json", body, "the verification", true);
        return new Verified(
                intValue(data, "code"),
                refId(data.get("ref_id")),
                text(data, "card_pan"),
                text(data, "card_hash"),
                toRial(longValue(data, "fee"), unit),
                text(data, "fee_type"));
    }

    /** The merchant's paid payments not verified yet, amounts converted back to Rial. */
    public List<Unverified> unverified(String merchantId, Unit unit) throws ZarinPalException {
        requireNonNull(merchantId, "merchantId is null");
        requireNonNull(unit, "unit is null");
        ObjectNode body = json.createObjectNode().put("merchant_id", merchantId);
        JsonNode data = call("/pg/v4/payment/unVerified.json", body, "the list of unverified payments", false);
        JsonNode authorities = data.get("authorities");
        List<Unverified> list = new ArrayList<>();
        if (authorities != null && authorities.isArray()) {
            for (JsonNode item : authorities) {
                if (!item.isObject()) {
                    continue;
                }
                list.add(new Unverified(
                        text(item, "authority"),
                        toRial(longValue(item, "amount"), unit),
                        text(item, "callback_url"),
                        text(item, "date")));
            }
        }
        return List.copyOf(list);
    }

    /** A clear explanation of a ZarinPal code, e.g. -50 → "the amount differs from the payment's". */
    public static String explain(int code) {
        return ZarinPalWire.explain(code);
    }

    /**
     * A ZarinPal refusal (a code other than success, {@link #unreachable()} false) or ZarinPal
     * not answering ({@link #unreachable()} true, {@link #code()} 0). {@link #getMessage()} is a
     * sentence naming the code, our explanation, ZarinPal's message and its validation messages.
     */
    public static final class ZarinPalException extends Exception {
        private static final long serialVersionUID = 1L;

        private final int code;
        private final boolean unreachable;
        private final String zarinPalMessage;

        ZarinPalException(int code, boolean unreachable, String zarinPalMessage, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
            this.unreachable = unreachable;
            this.zarinPalMessage = zarinPalMessage == null ? "" : zarinPalMessage;
        }

        /** ZarinPal's code, or 0 when it did not answer. */
        public int code() {
            return code;
        }

        /** Whether ZarinPal did not answer (so the outcome is unknown), rather than refused. */
        public boolean unreachable() {
            return unreachable;
        }

        /** ZarinPal's own message (often Persian or terse English), or empty when it gave none. */
        public String zarinPalMessage() {
            return zarinPalMessage;
        }
    }

    // The call.

    /**
     * Posts {@code body} to {@code path} and gives the answer's {@code data} when its code is a
     * success: 100, or 100 and 101 when {@code alreadyIsSuccess}.
     */
    private JsonNode call(String path, ObjectNode body, String operation, boolean alreadyIsSuccess)
            throws ZarinPalException {
        String payload;
        try {
            payload = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the ZarinPal request", e);
        }
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .header("User-Agent", "FlatRender-Payments/1")
                            .POST(HttpRequest.BodyPublishers.ofString(payload))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw unreachable(operation, "no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank()
                    ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw unreachable(operation, why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(operation, "interrupted while waiting for the answer", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            throw unreachable(operation, "the server answered HTTP " + status, null);
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body() == null ? "" : response.body());
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            throw unreachable(
                    operation, "the server answered HTTP " + status + " with a body that is not ZarinPal's JSON", null);
        }
        JsonNode errors = answer.get("errors");
        if (errors != null && errors.isObject() && !errors.isEmpty()) {
            Integer code = code(errors);
            if (code != null) {
                throw refused(operation, code, text(errors, "message"), validations(errors.get("validations")));
            }
        }
        JsonNode data = answer.get("data");
        if (data != null && data.isObject()) {
            Integer code = code(data);
            if (code != null) {
                if (code == 100 || (alreadyIsSuccess && code == 101)) {
                    return data;
                }
                throw refused(operation, code, text(data, "message"), List.of());
            }
        }
        throw unreachable(operation, "the server answered HTTP " + status + " without a ZarinPal code", null);
    }

    private ZarinPalException refused(String operation, int code, String message, List<String> validations) {
        StringBuilder text = new StringBuilder("ZarinPal refused ")
                .append(operation)
                .append(" with code ")
                .append(code)
                .append(": ")
                .append(explain(code))
                .append('.');
        if (message != null && !message.isBlank()) {
            text.append(" ZarinPal said: \"").append(message.strip()).append("\".");
        }
        if (!validations.isEmpty()) {
            text.append(" Validation:");
            for (String validation : validations) {
                text.append(' ').append(validation);
                if (!validation.endsWith(".") && !validation.endsWith("!") && !validation.endsWith("?")) {
                    text.append('.');
                }
            }
        }
        log.info("{}", text);
        return new ZarinPalException(code, false, message, text.toString(), null);
    }

    private ZarinPalException unreachable(String operation, String why, Throwable cause) {
        String text = "ZarinPal was unreachable for " + operation + " at " + baseUrl + ": " + why + ".";
        log.warn("{}", text);
        return new ZarinPalException(0, true, null, text, cause);
    }

    private static String checkAuthority(String authority) {
        requireNonNull(authority, "authority is null");
        if (!AUTHORITY.matcher(authority).matches()) {
            throw new IllegalArgumentException("the ZarinPal authority is not valid: " + authority);
        }
        return authority;
    }
}
