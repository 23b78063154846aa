package ir.flatrender.gateway.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where a webhook may point: an absolute http(s) URL without credentials, and — unless the
 * gateway allows it (dev, tests) — not at any special-purpose address of IANA's registries
 * (loopback, private, shared, link-local, benchmarking, translation, 6to4, broadcast …), so a
 * tenant cannot make the gateway call into the farm's own network or a cloud's metadata
 * service. Checked when a webhook is made, and on each delivery against the address the
 * delivery connects to, after its own DNS lookup (a name can be pointed elsewhere later).
 */
public final class WebhookTargets {
    private WebhookTargets() {}

    /**
     * Why a webhook may not go to {@code address}: it is in one of IANA's special-purpose
     * blocks. Checked again on the address a delivery actually connects to.
     */
    public static Optional<String> refusal(InetAddress address) {
        String block = SpecialAddresses.blockOf(address);
        return block == null
                ? Optional.empty()
                : Optional.of("points at a special-purpose address (" + address.getHostAddress() + ", " + block + ")");
    }

    /** Why the URL is refused, or empty when it is fine. */
    public static Optional<String> problem(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            return Optional.of("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            return Optional.of("must name a host, with no credentials or fragment");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                Optional<String> refused = refusal(address);
                if (refused.isPresent()) {
                    return refused;
                }
            }
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve");
        }
        return Optional.empty();
    }
}
