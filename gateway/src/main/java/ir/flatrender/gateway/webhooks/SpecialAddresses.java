package ir.flatrender.gateway.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The special-purpose address blocks of IANA's IPv4 and IPv6 registries (RFC 6890 and its
 * updates), plus multicast and the old site-local block: addresses a webhook must never reach
 * in production, since they lead into the farm's own network, a cloud's metadata service
 * (169.254.169.254, or 100.100.100.200 inside 100.64.0.0/10), or through a translator or
 * tunnel to one of those (64:ff9b::/96, 2002::/16, IPv4-mapped).
 */
final class SpecialAddresses {
    private record Block(byte[] network, int prefix, String name) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private static final List<Block> BLOCKS = List.of(
            // IPv4 special-purpose registry
            block("0.0.0.0/8", "this network"),
            block("10.0.0.0/8", "private use"),
            block("100.64.0.0/10", "shared address space (carrier-grade NAT, cloud metadata)"),
            block("127.0.0.0/8", "loopback"),
            block("169.254.0.0/16", "link local (cloud metadata)"),
            block("172.16.0.0/12", "private use"),
            block("192.0.0.0/24", "IETF protocol assignments"),
            block("192.0.2.0/24", "documentation"),
            block("192.31.196.0/24", "AS112"),
            block("192.52.193.0/24", "AMT"),
            block("192.88.99.0/24", "6to4 relay anycast"),
            block("192.168.0.0/16", "private use"),
            block("192.175.48.0/24", "direct delegation AS112"),
            block("198.18.0.0/15", "benchmarking"),
            block("198.51.100.0/24", "documentation"),
            block("203.0.113.0/24", "documentation"),
            block("224.0.0.0/4", "multicast"),
            block("240.0.0.0/4", "reserved (and the limited broadcast 255.255.255.255)"),
            // IPv6 special-purpose registry
            block("::/128", "unspecified"),
            block("::1/128", "loopback"),
            block("::ffff:0:0/96", "IPv4-mapped"),
            block("::/96", "IPv4-compatible (deprecated)"),
            block("64:ff9b::/96", "IPv4-IPv6 translation"),
            block("64:ff9b:1::/48", "local-use IPv4-IPv6 translation"),
            block("100::/64", "discard only"),
            block("2001::/23", "IETF protocol assignments (Teredo, ORCHID, benchmarking)"),
            block("2001:db8::/32", "documentation"),
            block("2002::/16", "6to4"),
            block("3fff::/20", "documentation"),
            block("5f00::/16", "segment routing SIDs"),
            block("fc00::/7", "unique local"),
            block("fe80::/10", "link local"),
            block("fec0::/10", "site local (deprecated)"),
            block("ff00::/8", "multicast"));

    private SpecialAddresses() {}

    private static Block block(String cidr, String name) {
        int slash = cidr.indexOf('/');
        try {
            // Literals only: no lookup happens.
            byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            int prefix = Integer.parseInt(cidr.substring(slash + 1));
            if (cidr.startsWith("::ffff:")) {
                // Java reads ::ffff:0:0 as the IPv4 0.0.0.0; keep it the IPv6 block it is.
                network = new byte[16];
                network[10] = (byte) 0xff;
                network[11] = (byte) 0xff;
            }
            return new Block(network, prefix, name);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The special-purpose block {@code address} is in, or null when it is an ordinary one. */
    static String blockOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Block block : BLOCKS) {
            if (block.contains(bytes)) {
                return block.name();
            }
        }
        return null;
    }
}
