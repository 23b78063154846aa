package ir.flatrender.media.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
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
        this.reload =
                new FileReload("certificate and key", () -> load(files), files.certificateChain(), files.privateKey());
    }

    /**
     * Reads both files and hands them over only when the key is the certificate's: a handshake
     * between the two files' replacements (a new key beside the old certificate) keeps the
     * previous pair, and the certificate's own replacement a moment later is loaded.
     */
    private void load(CertificateFiles files) throws IOException, GeneralSecurityException {
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(files.certificateChain())) {
            chain = CertificateUtils.getX509Certificates(in);
        }
        if (chain.length == 0) {
            throw new GeneralSecurityException(files.certificateChain() + " holds no PEM certificate");
        }
        PrivateKey key;
        try (InputStream in = Files.newInputStream(files.privateKey())) {
            key = CertificateUtils.getPrivateKey(in);
        }
        if (!matches(key, chain[0])) {
            throw new GeneralSecurityException(
                    files.privateKey() + " is not the key of the certificate in " + files.certificateChain());
        }
        delegate.updateIdentityCredentials(chain, key);
    }

    /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the key's own name
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        }
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
