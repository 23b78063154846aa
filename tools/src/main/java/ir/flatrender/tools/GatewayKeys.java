package ir.flatrender.tools;

import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.Secrets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Secrets a data directory keeps for the gateway, made once and readable by its owner only:
 * the access tokens' signing key ring ({@code gateway-keys}) and the dev farm administrator's
 * password ({@code admin-password}).
 */
public final class GatewayKeys {
    public static final String KEYS_FILE = "gateway-keys";
    public static final String ADMIN_PASSWORD_FILE = "admin-password";
    public static final String MASTER_KEY_FILE = "gateway-master-key";

    private GatewayKeys() {}

    public static Map<String, byte[]> readOrCreate(Path dataDirectory) throws IOException {
        return AccessTokens.parseKeys(SecretFiles.readOrCreate(dataDirectory.resolve(KEYS_FILE), () -> {
            Map.Entry<String, byte[]> key =
                    AccessTokens.generateKeys().entrySet().iterator().next();
            return key.getKey() + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getValue());
        }));
    }

    /** The master key secrets at rest are encrypted with: {@code gateway-master-key}, base64, made once. */
    public static byte[] masterKey(Path dataDirectory) throws IOException {
        return Base64.getDecoder()
                .decode(SecretFiles.readOrCreate(
                        dataDirectory.resolve(MASTER_KEY_FILE),
                        () -> Base64.getEncoder()
                                .encodeToString(ir.flatrender.gateway.identity.SecretBox.generateKey())));
    }

    public static String adminPassword(Path dataDirectory) throws IOException {
        return SecretFiles.readOrCreate(
                dataDirectory.resolve(ADMIN_PASSWORD_FILE),
                () -> Secrets.generate("").substring(0, 24));
    }
}
