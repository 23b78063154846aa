package ir.flatrender.gateway.http;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who the client is, for rate limits, stream caps and the audit log. The peer of the socket,
 * unless that peer is one of the configured trusted proxies: then {@code X-Forwarded-For} is
 * read from its right end, past every trusted proxy, and the first address that is not one is
 * the client. A forwarded-for header from anyone else is ignored (anyone can write one).
 */
public final class ClientAddresses {
    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] other) {
            if (other.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((other[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    static final String ATTRIBUTE = "flatrender.clientAddress";
    private final List<Network> trusted;

    /** @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.7}, {@code 10.0.0.0/8}, {@code fd00::/8}) */
    public ClientAddresses(List<String> trustedProxies) {
        requireNonNull(trustedProxies, "trustedProxies is null");
        this.trusted = trustedProxies.stream().map(ClientAddresses::network).toList();
    }

    /** Checks a proxy's address or block: an IP literal, with an optional prefix length. */
    public static void check(String proxy) {
        network(proxy);
    }

    private static Network network(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (host.isEmpty() || !(host.contains(":") || host.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("a trusted proxy is an IP address or CIDR block, not " + text);
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a trusted proxy is an IP address or CIDR block, not " + text, e);
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a trusted proxy's prefix length is a number: " + text, e);
            }
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("a trusted proxy's prefix length is out of range: " + text);
            }
        }
        return new Network(address, prefix);
    }

    private boolean trusted(String address) {
        if (trusted.isEmpty() || address == null) {
            return false;
        }
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.isEmpty() || !(literal.contains(":") || literal.matches("[0-9.]+"))) {
            return false;
        }
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            return trusted.stream().anyMatch(n -> n.contains(bytes));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The client's address for {@code peer} and the header as received. */
    public String resolve(String peer, String forwardedFor) {
        if (!trusted(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty() || hop.length() > 45 || !hop.matches("[0-9A-Fa-f.:\\[\\]]+")) {
                return client; // not an address: stop at the last one known good
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** Works out the client's address and keeps it on the request. */
    public String remember(Context ctx) {
        String client = resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
        ctx.attribute(ATTRIBUTE, client);
        return client;
    }
}
