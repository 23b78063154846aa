package ir.flatrender.node.control;

import static java.util.Objects.requireNonNull;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Several orchestrators sharing one database, as one gRPC target: {@code host:port,host:port}
 * becomes {@code flatrender-farm:///host:port,host:port}, whose resolver hands every address to
 * the channel. With gRPC's pick-first policy the node talks to the first that answers, in the
 * order given, and moves to the next when it goes away; its control stream, template fetches
 * and uploads follow. Listing the addresses in different orders on different nodes spreads
 * them across the orchestrators.
 */
public final class OrchestratorAddresses {
    public static final String SCHEME = "flatrender-farm";
    private static final String PATTERN = "[^:,\\s]+:\\d{1,5}";

    static {
        NameResolverRegistry.getDefaultRegistry().register(new Provider());
    }

    private OrchestratorAddresses() {}

    /** Whether the text is one {@code host:port} or several separated by commas. */
    public static boolean isValid(String addresses) {
        return addresses.matches(PATTERN + "(," + PATTERN + ")*");
    }

    /**
     * The gRPC target for the addresses: a single one as it is (resolved by DNS), several
     * through this resolver.
     */
    public static String target(String addresses) {
        requireNonNull(addresses, "addresses is null");
        if (!isValid(addresses)) {
            throw new IllegalArgumentException(
                    "orchestrator addresses must be host:port[,host:port…] but were '" + addresses + "'");
        }
        return addresses.contains(",") ? SCHEME + ":///" + addresses : addresses;
    }

    /** The service config that makes the channel use the addresses in order. */
    public static Map<String, ?> serviceConfig() {
        return Map.of("loadBalancingConfig", List.of(Map.of("pick_first", Map.of())));
    }

    private static final class Provider extends NameResolverProvider {
        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!SCHEME.equals(target.getScheme())) {
                return null;
            }
            String path = target.getPath().startsWith("/") ? target.getPath().substring(1) : target.getPath();
            return new Resolver(path);
        }
    }

    /** Resolves each host by name on every refresh, so a moved orchestrator is found again. */
    private static final class Resolver extends NameResolver {
        private final String addresses;
        private Listener2 listener;

        Resolver(String addresses) {
            this.addresses = addresses;
        }

        @Override
        public String getServiceAuthority() {
            return addresses.split(",")[0];
        }

        @Override
        public void start(Listener2 newListener) {
            this.listener = requireNonNull(newListener, "newListener is null");
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        private void resolve() {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (String address : Arrays.asList(addresses.split(","))) {
                int colon = address.lastIndexOf(':');
                SocketAddress socket = new InetSocketAddress(
                        address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
                if (((InetSocketAddress) socket).isUnresolved()) {
                    continue;
                }
                groups.add(new EquivalentAddressGroup(socket));
            }
            if (groups.isEmpty()) {
                listener.onError(Status.UNAVAILABLE.withDescription("none of " + addresses + " resolves"));
                return;
            }
            listener.onResult(ResolutionResult.newBuilder()
                    .setAddressesOrError(StatusOr.fromValue(groups))
                    .build());
        }

        @Override
        public void shutdown() {}
    }

    /** Loads the class, registering the resolver. */
    public static void register() {}
}
