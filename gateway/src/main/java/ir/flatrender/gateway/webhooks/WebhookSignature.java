package ir.flatrender.gateway.webhooks;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures in the Standard Webhooks scheme (https://www.standardwebhooks.com). A message carries the headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}; the signature is
 * {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed with the bytes of a
 * {@code whsec_}-prefixed base64 secret.
 */
public final class WebhookSignature {
    /** How far a timestamp may be from now, either way, and still verify. */
    public static final long TOLERANCE_SECONDS = 5 * 60;

    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION_PREFIX = "v1,";
    private static final int SECRET_BYTES = 32;
    private static final int MAX_TIMESTAMP_DIGITS = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {}

    /** A new signing secret: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The {@code webhook-signature} header value for a message: {@code v1,} and the base64 signature. */
    public static String sign(String secret, String id, long timestamp, String body) {
        requireNonNull(secret, "secret is null");
        requireNonNull(id, "id is null");
        requireNonNull(body, "body is null");
        return VERSION_PREFIX + Base64.getEncoder().encodeToString(hmac(key(secret), id, timestamp, body));
    }

    /**
     * Whether a received message is genuine: its timestamp is within five minutes of {@code nowSeconds} and one of
     * the space-separated signatures in {@code signatureHeader} matches. Signatures of other versions are ignored.
     * Any missing (null) or malformed header or body answers false rather than throwing; only an unusable secret,
     * which is configuration and not input, throws.
     */
    public static boolean verify(
            String secret, String id, String timestampHeader, String signatureHeader, String body, long nowSeconds) {
        requireNonNull(secret, "secret is null");
        byte[] key = key(secret);
        if (id == null || id.isEmpty() || timestampHeader == null || signatureHeader == null || body == null) {
            return false;
        }
        long timestamp = parseTimestamp(timestampHeader);
        if (timestamp < 0 || timestamp < nowSeconds - TOLERANCE_SECONDS || timestamp > nowSeconds + TOLERANCE_SECONDS) {
            return false;
        }
        byte[] expected = hmac(key, id, timestamp, body);
        boolean matched = false;
        for (String candidate : signatureHeader.split(" ")) {
            if (!candidate.startsWith(VERSION_PREFIX)) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(VERSION_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                continue;
            }
            // No early exit: every v1 signature is compared, each in constant time.
            matched |= MessageDigest.isEqual(expected, given);
        }
        return matched;
    }

    /** The timestamp as a non-negative number, or -1 when it is not plain ASCII digits. */
    private static long parseTimestamp(String header) {
        if (header.isEmpty() || header.length() > MAX_TIMESTAMP_DIGITS) {
            return -1;
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(header);
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook secret is not " + SECRET_PREFIX + " and base64", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("webhook secret is empty");
        }
        return key;
    }

    private static byte[] hmac(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
