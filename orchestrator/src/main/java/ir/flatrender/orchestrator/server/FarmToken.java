package ir.flatrender.orchestrator.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The shared secret nodes and clients present. Only its SHA-256 is kept, and presented tokens
 * are compared by digest in constant time.
 */
public final class FarmToken {
    public static final int MIN_LENGTH = 16;

    private final byte[] digest;

    private FarmToken(byte[] digest) {
        this.digest = digest;
    }

    public static FarmToken of(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the farm token must be at least " + MIN_LENGTH + " characters");
        }
        return new FarmToken(sha256(token));
    }

    /**
     * A new random token, 32 bytes of entropy, URL-safe, after {@code frt_}: it says what it is at a
     * glance, as the farm's credentials do, and never starts with a '-' (one bare base64url token
     * in 64 did, and read as an option on a command line: {@code --token -hZl…} was -h and more).
     */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "frt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
