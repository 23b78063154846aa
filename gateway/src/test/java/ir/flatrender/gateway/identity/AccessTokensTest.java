package ir.flatrender.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.gateway.http.Problem;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    private static final UUID USER = UUID.randomUUID();
    private static final UUID TENANT = UUID.randomUUID();

    @SafeVarargs
    private static Map<String, byte[]> ring(Map<String, byte[]>... keys) {
        Map<String, byte[]> ring = new LinkedHashMap<>();
        for (Map<String, byte[]> key : keys) {
            ring.putAll(key);
        }
        return ring;
    }

    private static Map<String, byte[]> key(String id) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return Map.of(id, secret);
    }

    @Test
    void aRotatedRingSignsWithTheNewKeyAndStillVerifiesTheOldOnesTokens() {
        Map<String, byte[]> old = key("k-old");
        Map<String, byte[]> fresh = key("k-new");
        AccessTokens before = new AccessTokens(old, Duration.ofMinutes(15), Clock.systemUTC());
        AccessTokens after = new AccessTokens(ring(fresh, old), Duration.ofMinutes(15), Clock.systemUTC());
        String oldToken = before.issue(USER, TENANT, Principal.Role.EDITOR, false);
        String newToken = after.issue(USER, TENANT, Principal.Role.OWNER, true);

        Principal fromOld = after.verify(oldToken);
        assertThat(fromOld.userId()).contains(USER);
        assertThat(fromOld.tenantId()).isEqualTo(TENANT);
        assertThat(fromOld.role()).isEqualTo(Principal.Role.EDITOR);
        assertThat(after.verify(newToken).farmAdmin()).isTrue();
        // The header names the key that signed it.
        assertThat(new String(
                        java.util.Base64.getUrlDecoder().decode(newToken.split("\\.")[0]),
                        java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"kid\":\"k-new\"");

        // Once the old key is dropped, what it signed is refused; the ring without it cannot
        // even find the key id.
        AccessTokens dropped = new AccessTokens(fresh, Duration.ofMinutes(15), Clock.systemUTC());
        assertThatThrownBy(() -> dropped.verify(oldToken)).isInstanceOf(Problem.class);
        assertThat(dropped.verify(newToken).role()).isEqualTo(Principal.Role.OWNER);
    }

    @Test
    void shortKeysAndAlgorithmNoneAreRefused() {
        assertThatThrownBy(() -> new AccessTokens(Map.of("k", new byte[16]), Duration.ofMinutes(1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bits");
        AccessTokens tokens = new AccessTokens(key("k"), Duration.ofMinutes(15), Clock.systemUTC());
        String token = tokens.issue(USER, TENANT, Principal.Role.OWNER, true);
        String[] parts = token.split("\\.");
        String none = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tokens.verify(none + "." + parts[1] + ".")).isInstanceOf(Problem.class);
    }
}
