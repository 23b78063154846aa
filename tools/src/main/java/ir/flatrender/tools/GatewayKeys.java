package ir.flatrender.tools;

import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        Path file = dataDirectory.resolve(KEYS_FILE);
        if (!Files.exists(file)) {
            Map<String, byte[]> keys = AccessTokens.generateKeys();
            Map.Entry<String, byte[]> key = keys.entrySet().iterator().next();
            write(
                    file,
                    key.getKey() + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getValue()));
        }
        return AccessTokens.parseKeys(Files.readString(file).strip());
    }

    /** The master key secrets at rest are encrypted with: {@code gateway-master-key}, base64, made once. */
    public static byte[] masterKey(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(MASTER_KEY_FILE);
        if (!Files.exists(file)) {
            write(file, Base64.getEncoder().encodeToString(ir.flatrender.gateway.identity.SecretBox.generateKey()));
        }
        return Base64.getDecoder().decode(Files.readString(file).strip());
    }

    public static String adminPassword(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(ADMIN_PASSWORD_FILE);
        if (!Files.exists(file)) {
            write(file, Secrets.generate("").substring(0, 24));
        }
        return Files.readString(file).strip();
    }

    private static void write(Path file, String value) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, value + "\n");
    }
}
