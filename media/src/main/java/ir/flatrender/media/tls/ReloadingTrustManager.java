package ir.flatrender.media.tls;

import io.grpc.util.AdvancedTlsX509TrustManager;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * gRPC's {@link AdvancedTlsX509TrustManager} over a file of CA certificates, given the file again
 * whenever it changes. The chain is checked by the JDK's PKIX validation as it stands: the
 * signatures up to a trusted CA, the validity dates (an expired or not-yet-valid certificate is
 * refused), the key usages; nothing of it is turned off here.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager {
    private final AdvancedTlsX509TrustManager delegate;
    private final FileReload reload;

    /** @param verification with the host name for a client checking a server, without for a server */
    ReloadingTrustManager(Path certificates, AdvancedTlsX509TrustManager.Verification verification) {
        try {
            this.delegate = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(verification)
                    .build();
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot make a trust manager", e);
        }
        this.reload = new FileReload(
                "CA certificates", () -> delegate.updateTrustCredentials(certificates.toFile()), certificates);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        reload.refresh();
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        reload.refresh();
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        reload.refresh();
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        reload.refresh();
        delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        reload.refresh();
        delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        reload.refresh();
        delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
