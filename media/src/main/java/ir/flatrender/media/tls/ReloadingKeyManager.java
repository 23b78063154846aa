package ir.flatrender.media.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * gRPC's {@link AdvancedTlsX509KeyManager}, given the certificate and key files again whenever
 * they change: each handshake first looks whether they did.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final AdvancedTlsX509KeyManager delegate = new AdvancedTlsX509KeyManager();
    private final FileReload reload;

    ReloadingKeyManager(CertificateFiles files) {
        this.reload = new FileReload(
                "certificate and key",
                () -> delegate.updateIdentityCredentials(
                        files.certificateChain().toFile(), files.privateKey().toFile()),
                files.certificateChain(),
                files.privateKey());
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        reload.refresh();
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        reload.refresh();
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        reload.refresh();
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        reload.refresh();
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
