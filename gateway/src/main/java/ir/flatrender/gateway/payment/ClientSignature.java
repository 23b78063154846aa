package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signatures between the broker and its client apps (PAYMENTS.md sections 2
 * and 5): of a client's call, and of the result the buyer carries back to the return URL.
 */
public final class ClientSignature {
    /** How far a call's timestamp may be from the broker's clock, either way. */
    public static final long WINDOW_SECONDS = 300;

    public static final Pattern NONCE = Pattern.compile("^[A-Za-z0-9_-]{16,64}$");
    private static final String VERSION = "v1=";
    private static final HexFormat HEX = HexFormat.of();

    private ClientSignature() {}

    /**
     * The string a client's call is signed over.
     *
     * @param timestamp the {@code X-FlatPay-Timestamp} header's value as sent (a leading zero
     *     stays: the signature is over the header's bytes)
     */
    public static String canonicalRequest(String method, String path, String timestamp, String nonce, byte[] body) {
        return String.join(
                "\n",
                "FLATPAY-HMAC-SHA256",
                method.toUpperCase(java.util.Locale.ROOT),
                path,
                timestamp,
                nonce,
                sha256Hex(body));
    }

    /** The canonical string of a call whose timestamp header is {@code timestamp} in plain decimal. */
    public static String canonicalRequest(String method, String path, long timestamp, String nonce, byte[] body) {
        return canonicalRequest(method, path, Long.toString(timestamp), nonce, body);
    }

    /** The {@code X-FlatPay-Signature} value of a call: {@code v1=} and the lowercase hex HMAC. */
    public static String signRequest(
            String hmacSecret, String method, String path, String timestamp, String nonce, byte[] body) {
        return VERSION + hmacHex(hmacSecret, canonicalRequest(method, path, timestamp, nonce, body));
    }

    /** The signature of a call whose timestamp header is {@code timestamp} in plain decimal. */
    public static String signRequest(
            String hmacSecret, String method, String path, long timestamp, String nonce, byte[] body) {
        return signRequest(hmacSecret, method, path, Long.toString(timestamp), nonce, body);
    }

    /** Whether {@code header} is the call's signature; compared in constant time. */
    public static boolean requestMatches(
            String hmacSecret, String header, String method, String path, long timestamp, String nonce, byte[] body) {
        return requestMatches(hmacSecret, header, method, path, Long.toString(timestamp), nonce, body);
    }

    /** Whether {@code header} is the call's signature over the timestamp header as sent; constant time. */
    public static boolean requestMatches(
            String hmacSecret, String header, String method, String path, String timestamp, String nonce, byte[] body) {
        if (header == null || !header.startsWith(VERSION)) {
            return false;
        }
        return constantTimeEquals(header, signRequest(hmacSecret, method, path, timestamp, nonce, body));
    }

    /** The signature of the result on the return URL. */
    public static String signReturn(
            String hmacSecret, String id, String orderId, String status, String refId, long expires) {
        return hmacHex(
                hmacSecret, String.join("\n", "FLATPAY-RETURN", id, orderId, status, refId, Long.toString(expires)));
    }

    /** Parses a timestamp header: decimal unix seconds, or -1. */
    public static long parseTimestamp(String header) {
        if (header == null || !header.matches("^[0-9]{1,12}$")) {
            return -1;
        }
        return Long.parseLong(header);
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmacHex(String secret, String text) {
        requireNonNull(secret, "secret is null");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
