package ir.flatrender.media.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A certificate chain and its private key, each a PEM file.
 *
 * @param certificateChain the certificate first, then any intermediates
 * @param privateKey the key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}; an older RSA or EC key
 *     converts with {@code openssl pkcs8 -topk8 -nocrypt})
 */
public record CertificateFiles(Path certificateChain, Path privateKey) {
    public CertificateFiles {
        requireNonNull(certificateChain, "certificateChain is null");
        requireNonNull(privateKey, "privateKey is null");
    }
}
