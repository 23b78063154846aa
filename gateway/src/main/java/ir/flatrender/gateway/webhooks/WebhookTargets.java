package ir.flatrender.gateway.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where a webhook may point: an absolute http(s) URL without credentials, and — unless the
 * gateway allows it (dev, tests) — not at loopback, private, link-local or wildcard addresses,
 * so a tenant cannot make the gateway call into the farm's own network. Checked when a webhook
 * is made and again before each delivery (a name can be pointed elsewhere later).
 */
public final class WebhookTargets {
    private WebhookTargets() {}

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
                if (address.isLoopbackAddress()
                        || address.isSiteLocalAddress()
                        || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress()
                        || address.isMulticastAddress()
                        || (address.getAddress().length == 16 && (address.getAddress()[0] & 0xfe) == 0xfc)) {
                    return Optional.of("points at a private or local address (" + address.getHostAddress() + ")");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve");
        }
        return Optional.empty();
    }
}
