package ir.flatrender.tools.options;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.media.tls.FarmTls;
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

    @Option(
            names = "--tls-cert",
            description = "Mutual TLS: this client's PEM certificate (a node's from `flatrender certs node`), with"
                    + " --tls-key and --tls-ca; read again when the file changes.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "The PEM private key of --tls-cert.")
    Path tlsKey;

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

    /** This client's certificate and key for mutual TLS, when given. */
    public java.util.Optional<CertificateFiles> tlsCertificate() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null && tlsCa == null) {
            throw new IllegalArgumentException("--tls-cert needs --tls-ca (mutual TLS is TLS)");
        }
        return tlsCert == null
                ? java.util.Optional.empty()
                : java.util.Optional.of(new CertificateFiles(tlsCert.toAbsolutePath(), tlsKey.toAbsolutePath()));
    }

    /** A channel to the orchestrator that sends the token with every call. */
    public ManagedChannel channel() {
        return channel(orchestrator, token(), tlsCa(), tlsCertificate());
    }

    public static ManagedChannel channel(String target, String token, java.util.Optional<Path> tlsCa) {
        return channel(target, token, tlsCa, java.util.Optional.empty());
    }

    /** @param certificate presented when the orchestrator asks for one (mutual TLS); needs {@code tlsCa} */
    public static ManagedChannel channel(
            String target,
            String token,
            java.util.Optional<Path> tlsCa,
            java.util.Optional<CertificateFiles> certificate) {
        ChannelCredentials credentials = tlsCa.isPresent()
                ? FarmTls.channelCredentials(tlsCa.get(), certificate)
                : InsecureChannelCredentials.create();
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
