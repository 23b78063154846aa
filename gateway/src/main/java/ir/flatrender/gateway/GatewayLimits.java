package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.identity.PasswordChecks;
import ir.flatrender.gateway.renders.EventStreams;

/**
 * What the gateway lets one caller hold at once, so that no tenant or client can stall the
 * others: one record beside {@link GatewayConfig}, each part its component's own.
 *
 * @param streams the render event streams: per tenant, per address, their maximum life
 * @param passwords the Argon2id hashes and checks at once, and how long one waits its turn
 * @param trustedProxies the proxies (IP addresses or CIDR blocks) whose {@code X-Forwarded-For}
 *     names the client; none by default, so every client is its socket's peer
 */
public record GatewayLimits(
        EventStreams.Limits streams, PasswordChecks.Limits passwords, java.util.List<String> trustedProxies) {
    public static final GatewayLimits DEFAULT =
            new GatewayLimits(EventStreams.Limits.DEFAULT, PasswordChecks.Limits.DEFAULT, java.util.List.of());

    public GatewayLimits {
        requireNonNull(streams, "streams is null");
        requireNonNull(passwords, "passwords is null");
        trustedProxies = java.util.List.copyOf(trustedProxies);
        trustedProxies.forEach(ir.flatrender.gateway.http.ClientAddresses::check);
    }

    public GatewayLimits withStreams(EventStreams.Limits newStreams) {
        return new GatewayLimits(newStreams, passwords, trustedProxies);
    }

    public GatewayLimits withPasswords(PasswordChecks.Limits newPasswords) {
        return new GatewayLimits(streams, newPasswords, trustedProxies);
    }

    public GatewayLimits withTrustedProxies(java.util.List<String> proxies) {
        return new GatewayLimits(streams, passwords, proxies);
    }
}
