package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * @param orchestrator the orchestrator's address, host:port
 * @param farmToken the farm's token, which the gateway presents to the orchestrator
 * @param signingKeys the access tokens' HMAC keys, id → secret, the signing one first
 * @param maxBodyBytes the largest request body taken
 * @param requestsPerMinutePerIp the rate limit of one client address
 */
public record GatewayConfig(
        String host,
        int port,
        String orchestrator,
        String farmToken,
        Map<String, byte[]> signingKeys,
        Duration accessTokenLifetime,
        Duration refreshTokenLifetime,
        Duration farmDeadline,
        Duration settlePeriod,
        long maxBodyBytes,
        int requestsPerMinutePerIp) {
    public GatewayConfig {
        requireNonNull(host, "host is null");
        requireNonNull(orchestrator, "orchestrator is null");
        requireNonNull(farmToken, "farmToken is null");
        signingKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(signingKeys));
        requireNonNull(accessTokenLifetime, "accessTokenLifetime is null");
        requireNonNull(refreshTokenLifetime, "refreshTokenLifetime is null");
        requireNonNull(farmDeadline, "farmDeadline is null");
        requireNonNull(settlePeriod, "settlePeriod is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535 but was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        }
        if (requestsPerMinutePerIp < 1) {
            throw new IllegalArgumentException("requestsPerMinutePerIp must be at least 1");
        }
    }

    /** Production defaults: 15-minute access tokens, 30-day refresh tokens, 1 MiB bodies. */
    public static GatewayConfig defaults(String orchestrator, String farmToken, Map<String, byte[]> signingKeys) {
        return new GatewayConfig(
                "0.0.0.0",
                7700,
                orchestrator,
                farmToken,
                signingKeys,
                Duration.ofMinutes(15),
                Duration.ofDays(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                1024 * 1024,
                600);
    }

    public GatewayConfig withListen(String newHost, int newPort) {
        return new GatewayConfig(
                newHost,
                newPort,
                orchestrator,
                farmToken,
                signingKeys,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp);
    }

    public GatewayConfig withAccessTokenLifetime(Duration lifetime) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                lifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp);
    }

    public GatewayConfig withRequestsPerMinutePerIp(int limit) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                limit);
    }
}
