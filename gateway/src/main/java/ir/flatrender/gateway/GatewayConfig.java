package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.media.tls.CertificateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the gateway needs to start, beside {@link GatewayLimits}. Made by {@link #builder},
 * which starts from the defaults ({@code GatewayConfigTest} pins them), or changed with
 * {@link #toBuilder}.
 *
 * @param listen where the REST API is served
 * @param farm how the gateway reaches the orchestrator
 * @param tokens the access and refresh tokens it issues
 * @param masterKey the AES-256 key secrets kept for reading back are encrypted with
 * @param limits the largest body, and the rate limits
 * @param webhooks how webhooks are delivered
 * @param settlePeriod how often renders that ended are settled against the wallet
 * @param site the web app the gateway serves beside its API
 */
public record GatewayConfig(
        Listen listen,
        Farm farm,
        Tokens tokens,
        byte[] masterKey,
        Limits limits,
        Webhooks webhooks,
        Duration settlePeriod,
        Site site) {
    public GatewayConfig {
        requireNonNull(listen, "listen is null");
        requireNonNull(farm, "farm is null");
        requireNonNull(tokens, "tokens is null");
        requireNonNull(masterKey, "masterKey is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(webhooks, "webhooks is null");
        requireNonNull(settlePeriod, "settlePeriod is null");
        requireNonNull(site, "site is null");
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key is 32 bytes");
        }
    }

    /** The address the REST API is served on. */
    public record Listen(String host, int port) {
        public Listen {
            requireNonNull(host, "host is null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535 but was " + port);
            }
        }
    }

    /**
     * @param orchestrator the orchestrator's address, host:port
     * @param token the gateway's own credential, which it presents to the orchestrator
     *     ({@code flatrender gateways enroll NAME}); every call also names its tenant
     * @param trustCertificates the CA certificates (PEM) the orchestrator's TLS certificate is
     *     checked against; plain text when empty (one machine, or a private network)
     * @param clientCertificate the gateway's own certificate and key, presented when the
     *     orchestrator asks for one (mutual TLS; {@code flatrender certs init} makes it); read again
     *     when the files change
     * @param deadline the deadline of each call to the orchestrator
     * @param consoleToken the operators' console credential ({@code flatrender nodes enroll-console
     *     NAME}), which the console's admin endpoints present to the orchestrator's admin service;
     *     without it those endpoints answer 503 to a farm administrator
     */
    public record Farm(
            String orchestrator,
            String token,
            Optional<Path> trustCertificates,
            Optional<CertificateFiles> clientCertificate,
            Duration deadline,
            Optional<String> consoleToken) {
        public Farm {
            requireNonNull(orchestrator, "orchestrator is null");
            requireNonNull(token, "token is null");
            requireNonNull(consoleToken, "consoleToken is null");
            requireNonNull(trustCertificates, "trustCertificates is null");
            requireNonNull(clientCertificate, "clientCertificate is null");
            if (clientCertificate.isPresent() && trustCertificates.isEmpty()) {
                throw new IllegalArgumentException("a client certificate needs TLS: give the CA certificates too");
            }
            requireNonNull(deadline, "deadline is null");
        }

        /** The token is left out: this is logged. */
        @Override
        public String toString() {
            return "Farm[" + orchestrator + ", tls=" + trustCertificates.isPresent() + ", clientCertificate="
                    + clientCertificate.isPresent() + ", deadline=" + deadline
                    + ", console=" + consoleToken.isPresent() + "]";
        }
    }

    /**
     * @param signingKeys the access tokens' HMAC keys, id → secret, the signing one first
     * @param accessLifetime how long an access token is good for
     * @param refreshLifetime how long a refresh token is good for
     */
    public record Tokens(Map<String, byte[]> signingKeys, Duration accessLifetime, Duration refreshLifetime) {
        public Tokens {
            signingKeys = Collections.unmodifiableMap(new LinkedHashMap<>(signingKeys));
            requireNonNull(accessLifetime, "accessLifetime is null");
            requireNonNull(refreshLifetime, "refreshLifetime is null");
        }

        /** The keys are left out: this is logged. */
        @Override
        public String toString() {
            return "Tokens[keys=" + signingKeys.keySet() + ", access=" + accessLifetime + ", refresh=" + refreshLifetime
                    + "]";
        }
    }

    /**
     * @param maxBodySize the largest request body taken
     * @param requestsPerMinutePerIp the rate limit of one client address
     * @param requestsPerMinutePerKey the rate limit of one API key
     */
    public record Limits(DataSize maxBodySize, int requestsPerMinutePerIp, int requestsPerMinutePerKey) {
        public Limits {
            requireNonNull(maxBodySize, "maxBodySize is null");
            if (maxBodySize.isLessThan(DataSize.ofKibibytes(1))) {
                throw new IllegalArgumentException("maxBodySize must be at least 1KiB but was " + maxBodySize);
            }
            if (requestsPerMinutePerIp < 1 || requestsPerMinutePerKey < 1) {
                throw new IllegalArgumentException("rate limits must be at least 1 a minute");
            }
        }
    }

    /**
     * @param schedule the delays between a webhook delivery's attempts
     * @param poll how often due deliveries are looked for
     * @param allowPrivate whether webhooks may point at loopback and private addresses (dev, tests)
     */
    public record Webhooks(List<Duration> schedule, Duration poll, boolean allowPrivate) {
        public Webhooks {
            schedule = List.copyOf(schedule);
            requireNonNull(poll, "poll is null");
        }
    }

    /**
     * @param classpathRoot the classpath folder the web app's build is served from ({@code web/}'s
     *     Maven module puts it in {@link #WEB_APP}); a classpath without it serves no pages
     * @param comingSoon when the farm opens to the public: until then the web app shows its
     *     coming-soon overlay ({@code GET /v1/site}); empty: open
     */
    public record Site(String classpathRoot, Optional<Instant> comingSoon) {
        /** Where {@code flatrender-web}'s jar holds the web app. */
        public static final String WEB_APP = "ir/flatrender/web/site";

        public Site {
            requireNonNull(classpathRoot, "classpathRoot is null");
            requireNonNull(comingSoon, "comingSoon is null");
            if (!classpathRoot.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) {
                throw new IllegalArgumentException(
                        "the site's classpath root is folder names joined by /, but was " + classpathRoot);
            }
        }
    }

    /** Production defaults: 15-minute access tokens, 30-day refresh tokens, 1 MiB bodies, public webhooks only. */
    public static GatewayConfig defaults(
            String orchestrator, String farmToken, Map<String, byte[]> signingKeys, byte[] masterKey) {
        return builder(orchestrator, farmToken, signingKeys, masterKey).build();
    }

    /** A builder holding the defaults; each setter changes one of them. */
    public static Builder builder(
            String orchestrator, String farmToken, Map<String, byte[]> signingKeys, byte[] masterKey) {
        return new Builder(orchestrator, farmToken, signingKeys, masterKey);
    }

    public Builder toBuilder() {
        return new Builder(farm.orchestrator(), farm.token(), tokens.signingKeys(), masterKey)
                .listen(listen.host(), listen.port())
                .farmTrustCertificates(farm.trustCertificates())
                .farmClientCertificate(farm.clientCertificate())
                .farmDeadline(farm.deadline())
                .consoleToken(farm.consoleToken())
                .accessTokenLifetime(tokens.accessLifetime())
                .refreshTokenLifetime(tokens.refreshLifetime())
                .maxBodySize(limits.maxBodySize())
                .requestsPerMinutePerIp(limits.requestsPerMinutePerIp())
                .requestsPerMinutePerKey(limits.requestsPerMinutePerKey())
                .webhookSchedule(webhooks.schedule(), webhooks.poll())
                .allowPrivateWebhooks(webhooks.allowPrivate())
                .settlePeriod(settlePeriod)
                .siteClasspathRoot(site.classpathRoot())
                .comingSoon(site.comingSoon());
    }

    /** The master key is left out: this is logged. */
    @Override
    public String toString() {
        return "GatewayConfig[" + listen + ", " + farm + ", " + tokens + ", " + limits + ", " + webhooks
                + ", settlePeriod=" + settlePeriod + ", " + site + "]";
    }

    /** Starts from the defaults; {@link #build} validates. Not thread-safe. */
    public static final class Builder {
        private final String orchestrator;
        private final String farmToken;
        private final Map<String, byte[]> signingKeys;
        private final byte[] masterKey;
        private String host = "0.0.0.0";
        private int port = 7700;
        private Optional<Path> farmTrustCertificates = Optional.empty();
        private Optional<CertificateFiles> farmClientCertificate = Optional.empty();
        private Optional<String> consoleToken = Optional.empty();
        private Duration farmDeadline = Duration.ofSeconds(10);
        private Duration accessTokenLifetime = Duration.ofMinutes(15);
        private Duration refreshTokenLifetime = Duration.ofDays(30);
        private DataSize maxBodySize = DataSize.ofMebibytes(1);
        private int requestsPerMinutePerIp = 600;
        private int requestsPerMinutePerKey = 1200;
        private List<Duration> webhookSchedule = WebhookDeliverer.SCHEDULE;
        private Duration webhookPoll = Duration.ofSeconds(1);
        private boolean allowPrivateWebhooks;
        private Duration settlePeriod = Duration.ofSeconds(1);
        private String siteClasspathRoot = Site.WEB_APP;
        private Optional<Instant> comingSoon = Optional.empty();

        private Builder(String orchestrator, String farmToken, Map<String, byte[]> signingKeys, byte[] masterKey) {
            this.orchestrator = orchestrator;
            this.farmToken = farmToken;
            this.signingKeys = requireNonNull(signingKeys, "signingKeys is null");
            this.masterKey = masterKey;
        }

        public Builder listen(String newHost, int newPort) {
            this.host = newHost;
            this.port = newPort;
            return this;
        }

        /** Speaks TLS to the orchestrator, trusting these CA certificates (PEM), when present. */
        public Builder farmTrustCertificates(Optional<Path> certificates) {
            this.farmTrustCertificates = certificates;
            return this;
        }

        /** Presents this certificate to the orchestrator (mutual TLS), when present. */
        public Builder farmClientCertificate(Optional<CertificateFiles> certificate) {
            this.farmClientCertificate = certificate;
            return this;
        }

        /** The operators' console credential; the console's farm endpoints need it. */
        public Builder consoleToken(Optional<String> token) {
            this.consoleToken = token;
            return this;
        }

        public Builder farmDeadline(Duration deadline) {
            this.farmDeadline = deadline;
            return this;
        }

        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessTokenLifetime = lifetime;
            return this;
        }

        public Builder refreshTokenLifetime(Duration lifetime) {
            this.refreshTokenLifetime = lifetime;
            return this;
        }

        public Builder maxBodySize(DataSize size) {
            this.maxBodySize = size;
            return this;
        }

        public Builder requestsPerMinutePerIp(int limit) {
            this.requestsPerMinutePerIp = limit;
            return this;
        }

        public Builder requestsPerMinutePerKey(int limit) {
            this.requestsPerMinutePerKey = limit;
            return this;
        }

        public Builder webhookSchedule(List<Duration> schedule, Duration poll) {
            this.webhookSchedule = schedule;
            this.webhookPoll = poll;
            return this;
        }

        public Builder allowPrivateWebhooks(boolean allow) {
            this.allowPrivateWebhooks = allow;
            return this;
        }

        public Builder settlePeriod(Duration period) {
            this.settlePeriod = period;
            return this;
        }

        /** Serves the web app from this classpath folder rather than {@code flatrender-web}'s (tests). */
        public Builder siteClasspathRoot(String root) {
            this.siteClasspathRoot = root;
            return this;
        }

        /** The web app shows its coming-soon overlay until {@code launchAt}, when present. */
        public Builder comingSoon(Optional<Instant> launchAt) {
            this.comingSoon = launchAt;
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(
                    new Listen(host, port),
                    new Farm(
                            orchestrator,
                            farmToken,
                            farmTrustCertificates,
                            farmClientCertificate,
                            farmDeadline,
                            consoleToken),
                    new Tokens(signingKeys, accessTokenLifetime, refreshTokenLifetime),
                    masterKey,
                    new Limits(maxBodySize, requestsPerMinutePerIp, requestsPerMinutePerKey),
                    new Webhooks(webhookSchedule, webhookPoll, allowPrivateWebhooks),
                    settlePeriod,
                    new Site(siteClasspathRoot, comingSoon));
        }
    }
}
