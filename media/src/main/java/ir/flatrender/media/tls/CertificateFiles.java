package ir.flatrender.media.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A certificate chain and its private key, each a PEM file.
 *
 * @param certificateChain the certificate first, then any intermediates
 * @param privateKey the key, PKCS#8 or the older EC/RSA form, unencrypted
 */
public record CertificateFiles(Path certificateChain, Path privateKey) {
    public CertificateFiles {
        requireNonNull(certificateChain, "certificateChain is null");
        requireNonNull(privateKey, "privateKey is null");
    }
}
