package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.google.common.io.BaseEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) for multi-factor sign-in: HMAC-SHA1, 6 digits, a 30 second step, the
 * settings every authenticator app understands. Also makes the one-off recovery codes handed out at enrolment.
 */
public final class Totp {
    /** Seconds per time step. */
    public static final int PERIOD_SECONDS = 30;

    /** Digits in a code. */
    public static final int DIGITS = 6;

    private static final int SECRET_BYTES = 20;
    private static final int MODULUS = 1_000_000;
    private static final int DRIFT_STEPS = 1;
    private static final String RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int RECOVERY_GROUPS = 3;
    private static final int RECOVERY_GROUP_LENGTH = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {}

    /** A new shared secret: 20 random bytes in upper-case Base32 without padding. */
    public static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return BaseEncoding.base32().omitPadding().encode(bytes);
    }

    /**
     * The {@code otpauth://} URI an authenticator app reads from a QR code. The issuer and account are
     * percent-encoded (RFC 3986: everything but letters, digits and {@code -._~}), so a colon in either cannot be
     * mistaken for the label separator. The secret is written in upper case without padding.
     */
    public static String uri(String issuer, String account, String secretBase32) {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(account, "account is null");
        requireNonNull(secretBase32, "secretBase32 is null");
        String secret = BaseEncoding.base32().omitPadding().encode(decodeSecret(secretBase32));
        String encodedIssuer = percentEncode(issuer);
        return "otpauth://totp/" + encodedIssuer + ":" + percentEncode(account)
                + "?secret=" + secret
                + "&issuer=" + encodedIssuer
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + PERIOD_SECONDS;
    }

    /** The 6-digit code, zero-padded, for the time step that holds {@code unixSeconds}. */
    public static String code(String secretBase32, long unixSeconds) {
        requireNonNull(secretBase32, "secretBase32 is null");
        return codeForStep(decodeSecret(secretBase32), step(unixSeconds));
    }

    /**
     * Checks a code typed by the user. The code of the current step and of one step either side (clock drift) are
     * accepted, but never a step at or before {@code lastUsedStep}, so a code cannot be used twice; pass {@code -1}
     * when the secret has not been used yet. The comparison takes the same time wherever the codes differ.
     *
     * @return the time step the code matched, to be stored as the new last used step; empty when it is refused,
     *     including when it is not exactly 6 ASCII digits
     */
    public static OptionalLong verify(String secretBase32, String code, long unixSeconds, long lastUsedStep) {
        requireNonNull(secretBase32, "secretBase32 is null");
        requireNonNull(code, "code is null");
        byte[] key = decodeSecret(secretBase32);
        long current = step(unixSeconds);
        if (!isSixDigits(code)) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long matched = -1;
        // Every candidate is computed and compared, so the time taken does not reveal which one matched.
        for (long candidate = current - DRIFT_STEPS; candidate <= current + DRIFT_STEPS; candidate++) {
            if (candidate < 0) {
                continue;
            }
            byte[] expected = codeForStep(key, candidate).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && candidate > lastUsedStep) {
                matched = candidate;
            }
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    /** {@code count} new recovery codes such as {@code ab3k-9xq2-m7pd}: 12 lower-case Base32 characters each. */
    public static List<String> recoveryCodes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        List<String> codes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder code = new StringBuilder();
            for (int group = 0; group < RECOVERY_GROUPS; group++) {
                if (group > 0) {
                    code.append('-');
                }
                for (int j = 0; j < RECOVERY_GROUP_LENGTH; j++) {
                    code.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
                }
            }
            codes.add(code.toString());
        }
        return List.copyOf(codes);
    }

    /**
     * A recovery code as typed by the user, reduced to the form whose SHA-256 is stored: lower case, without
     * whitespace or dashes.
     */
    public static String normalizeRecoveryCode(String code) {
        requireNonNull(code, "code is null");
        StringBuilder normalized = new StringBuilder(code.length());
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c != '-' && !Character.isWhitespace(c)) {
                normalized.append(c);
            }
        }
        return normalized.toString().toLowerCase(Locale.ROOT);
    }

    /** The time step counted from the Unix epoch. */
    static long step(long unixSeconds) {
        if (unixSeconds < 0) {
            throw new IllegalArgumentException("unixSeconds is before the epoch: " + unixSeconds);
        }
        return unixSeconds / PERIOD_SECONDS;
    }

    /** HOTP (RFC 4226) with dynamic truncation, as 6 digits. */
    private static String codeForStep(byte[] key, long step) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return String.format(Locale.ROOT, "%06d", binary % MODULUS);
    }

    private static byte[] decodeSecret(String secretBase32) {
        byte[] key;
        try {
            key = BaseEncoding.base32().decode(secretBase32.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret is not Base32", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("secret is empty");
        }
        return key;
    }

    private static boolean isSixDigits(String code) {
        if (code.length() != DIGITS) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String percentEncode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                encoded.append(Character.toUpperCase(Character.forDigit(c & 0x0f, 16)));
            }
        }
        return encoded.toString();
    }
}
