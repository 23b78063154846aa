package ir.flatrender.tools.options;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reaches the orchestrator. */
public final class ClientOptions {
    @Option(
            names = "--orchestrator",
            defaultValue = "${env:FLATRENDER_ORCHESTRATOR:-127.0.0.1:7600}",
            description = "Orchestrator address host:port, or several orchestrators on one database as"
                    + " host:port,host:port (used in that order, the next when one is away; env"
                    + " FLATRENDER_ORCHESTRATOR; default: ${DEFAULT-VALUE}).")
    String orchestrator;

    @Option(
            names = "--token",
            defaultValue = "${env:FLATRENDER_FARM_TOKEN}",
            description = "The credential (env FLATRENDER_FARM_TOKEN): the farm token for the operators' commands;"
                    + " for `flatrender node`, the node's own token from `flatrender nodes enroll NAME`.")
    String token;

    @Option(names = "--token-file", description = "Read the farm token from this file.")
    Path tokenFile;

    @Option(names = "--tls-ca", description = "PEM CA certificates to trust; plain text without it.")
    Path tlsCa;

    public String orchestrator() {
        return orchestrator;
    }

    public String token() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the token file " + tokenFile, e);
            }
        }
        throw new IllegalArgumentException("no farm token: pass --token, --token-file or set FLATRENDER_FARM_TOKEN");
    }

    public java.util.Optional<Path> tlsCa() {
        return java.util.Optional.ofNullable(tlsCa);
    }

    /** A channel to the orchestrator that sends the token with every call. */
    public ManagedChannel channel() {
        return channel(orchestrator, token(), tlsCa());
    }

    public static ManagedChannel channel(String target, String token, java.util.Optional<Path> tlsCa) {
        ChannelCredentials credentials;
        try {
            credentials = tlsCa.isPresent()
                    ? TlsChannelCredentials.newBuilder()
                            .trustManager(tlsCa.get().toFile())
                            .build()
                    : InsecureChannelCredentials.create();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA file " + tlsCa.get(), e);
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        ir.flatrender.node.control.OrchestratorAddresses.register();
        return NettyChannelBuilder.forTarget(
                        ir.flatrender.node.control.OrchestratorAddresses.target(target), credentials)
                .defaultServiceConfig(ir.flatrender.node.control.OrchestratorAddresses.serviceConfig())
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                // A job comes back with its bindings: up to 5 MiB of embedded files.
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }
}
