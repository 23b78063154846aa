package ir.flatrender.media.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The farm's gRPC TLS, from PEM files that are read again when they change (a renewed
 * certificate is used from the next connection on, without a restart). Bad files at the start
 * fail with an {@link IllegalArgumentException} naming them.
 */
public final class FarmTls {
    private FarmTls() {}

    /**
     * A client's: checks the server's certificate (and its name) against {@code trustedCertificates},
     * and presents {@code identity} when the server asks for one.
     */
    public static ChannelCredentials channelCredentials(Path trustedCertificates, Optional<CertificateFiles> identity) {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder()
                .trustManager(new ReloadingTrustManager(
                        trustedCertificates, Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION));
        identity.ifPresent(files -> builder.keyManager(new ReloadingKeyManager(files)));
        return builder.build();
    }

    /**
     * A server's: presents {@code identity}; with {@code clientCertificates}, every client must
     * present a certificate signed by one of them (mutual TLS), without, none is asked for.
     */
    public static ServerCredentials serverCredentials(CertificateFiles identity, Optional<Path> clientCertificates) {
        TlsServerCredentials.Builder builder =
                TlsServerCredentials.newBuilder().keyManager(new ReloadingKeyManager(identity));
        clientCertificates.ifPresent(certificates -> builder.trustManager(
                        new ReloadingTrustManager(certificates, Verification.CERTIFICATE_ONLY_VERIFICATION))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE));
        return builder.build();
    }
}
