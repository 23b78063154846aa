package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * @param orchestrator the orchestrator's address, host:port
 * @param farmToken the gateway's own credential, which it presents to the orchestrator
 *     ({@code flatrender gateways enroll NAME}); every call also names its tenant
 * @param signingKeys the access tokens' HMAC keys, id → secret, the signing one first
 * @param masterKey the AES-256 key secrets kept for reading back are encrypted with
 * @param maxBodyBytes the largest request body taken
 * @param requestsPerMinutePerIp the rate limit of one client address
 * @param requestsPerMinutePerKey the rate limit of one API key
 * @param webhookSchedule the delays between a webhook delivery's attempts
 * @param allowPrivateWebhooks whether webhooks may point at loopback and private addresses (dev, tests)
 * @param farmTrustCertificates the CA certificates (PEM) the orchestrator's TLS certificate is
 *     checked against; plain text when empty (one machine, or a private network)
 */
public record GatewayConfig(
        String host,
        int port,
        String orchestrator,
        String farmToken,
        Map<String, byte[]> signingKeys,
        byte[] masterKey,
        Duration accessTokenLifetime,
        Duration refreshTokenLifetime,
        Duration farmDeadline,
        Duration settlePeriod,
        long maxBodyBytes,
        int requestsPerMinutePerIp,
        int requestsPerMinutePerKey,
        List<Duration> webhookSchedule,
        Duration webhookPoll,
        boolean allowPrivateWebhooks,
        java.util.Optional<java.nio.file.Path> farmTrustCertificates) {
    public GatewayConfig {
        requireNonNull(farmTrustCertificates, "farmTrustCertificates is null");
        requireNonNull(host, "host is null");
        requireNonNull(orchestrator, "orchestrator is null");
        requireNonNull(farmToken, "farmToken is null");
        signingKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(signingKeys));
        requireNonNull(masterKey, "masterKey is null");
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key is 32 bytes");
        }
        requireNonNull(accessTokenLifetime, "accessTokenLifetime is null");
        requireNonNull(refreshTokenLifetime, "refreshTokenLifetime is null");
        requireNonNull(farmDeadline, "farmDeadline is null");
        requireNonNull(settlePeriod, "settlePeriod is null");
        webhookSchedule = List.copyOf(webhookSchedule);
        requireNonNull(webhookPoll, "webhookPoll is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535 but was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        }
        if (requestsPerMinutePerIp < 1 || requestsPerMinutePerKey < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1 a minute");
        }
    }

    /** Production defaults: 15-minute access tokens, 30-day refresh tokens, 1 MiB bodies, public webhooks only. */
    public static GatewayConfig defaults(
            String orchestrator, String farmToken, Map<String, byte[]> signingKeys, byte[] masterKey) {
        return new GatewayConfig(
                "0.0.0.0",
                7700,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                Duration.ofMinutes(15),
                Duration.ofDays(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                1024 * 1024,
                600,
                1200,
                WebhookDeliverer.SCHEDULE,
                Duration.ofSeconds(1),
                false,
                java.util.Optional.empty());
    }

    public GatewayConfig withListen(String newHost, int newPort) {
        return new GatewayConfig(
                newHost,
                newPort,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                requestsPerMinutePerKey,
                webhookSchedule,
                webhookPoll,
                allowPrivateWebhooks,
                farmTrustCertificates);
    }

    public GatewayConfig withAccessTokenLifetime(Duration lifetime) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                lifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                requestsPerMinutePerKey,
                webhookSchedule,
                webhookPoll,
                allowPrivateWebhooks,
                farmTrustCertificates);
    }

    public GatewayConfig withRequestsPerMinutePerIp(int limit) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                limit,
                requestsPerMinutePerKey,
                webhookSchedule,
                webhookPoll,
                allowPrivateWebhooks,
                farmTrustCertificates);
    }

    public GatewayConfig withRequestsPerMinutePerKey(int limit) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                limit,
                webhookSchedule,
                webhookPoll,
                allowPrivateWebhooks,
                farmTrustCertificates);
    }

    public GatewayConfig withWebhookSchedule(List<Duration> schedule, Duration poll) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                requestsPerMinutePerKey,
                schedule,
                poll,
                allowPrivateWebhooks,
                farmTrustCertificates);
    }

    public GatewayConfig withAllowPrivateWebhooks(boolean allow) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                requestsPerMinutePerKey,
                webhookSchedule,
                webhookPoll,
                allow,
                farmTrustCertificates);
    }

    /** Speaks TLS to the orchestrator, trusting these CA certificates (PEM). */
    public GatewayConfig withFarmTls(java.nio.file.Path trustCertificates) {
        return new GatewayConfig(
                host,
                port,
                orchestrator,
                farmToken,
                signingKeys,
                masterKey,
                accessTokenLifetime,
                refreshTokenLifetime,
                farmDeadline,
                settlePeriod,
                maxBodyBytes,
                requestsPerMinutePerIp,
                requestsPerMinutePerKey,
                webhookSchedule,
                webhookPoll,
                allowPrivateWebhooks,
                java.util.Optional.of(trustCertificates));
    }
}
