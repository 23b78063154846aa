package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets the gateway must read back (TOTP seeds, webhook signing secrets) encrypted at rest
 * with its master key: AES-256-GCM, a random 96-bit nonce each, stored as
 * {@code v1.<base64(nonce ‖ ciphertext ‖ tag)>}. What it protects is bound to where it is
 * stored (the associated data), so a ciphertext moved to another row does not decrypt.
 */
public final class SecretBox {
    private static final String PREFIX = "v1.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public SecretBox(byte[] masterKey) {
        requireNonNull(masterKey, "masterKey is null");
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key is 32 bytes (256 bits), not " + masterKey.length);
        }
        this.key = new SecretKeySpec(masterKey.clone(), "AES");
    }

    public static byte[] generateKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    public String seal(String secret, String context) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a secret", e);
        }
    }

    public String open(String sealed, String context) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, bytes, 0, 12));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed secret does not open with this master key", e);
        }
    }
}
