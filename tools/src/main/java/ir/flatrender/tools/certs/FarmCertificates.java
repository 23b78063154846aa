package ir.flatrender.tools.certs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The farm's own certificate authority: a CA key and certificate, and the certificates it signs
 * for the orchestrator, the gateway and each node. EC P-256 keys, SHA-256 signatures; PEM files,
 * keys in PKCS#8 and readable by their owner only.
 */
public final class FarmCertificates {
    /** What a certificate is for: its key usages follow. */
    public enum Purpose {
        /** A TLS server (the orchestrator): serverAuth, with the names as SANs. */
        SERVER,
        /** A TLS server that is also a client of the orchestrator (the gateway): both. */
        SERVER_AND_CLIENT,
        /** A TLS client only (a node): clientAuth. */
        CLIENT
    }

    /** A certificate with its key, as read from or written to files. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public Issued {
            requireNonNull(certificate, "certificate is null");
            requireNonNull(key, "key is null");
        }
    }

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Issued authority;

    private FarmCertificates(Issued authority) {
        this.authority = requireNonNull(authority, "authority is null");
    }

    /** A new CA, "FlatRender farm CA", valid from now for {@code validity}. */
    public static FarmCertificates newAuthority(Duration validity) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        X500Name name = name("FlatRender farm CA");
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(validity)),
                    name,
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509CertificateHolder holder =
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate()));
            return new FarmCertificates(
                    new Issued(new JcaX509CertificateConverter().getCertificate(holder), keys.getPrivate()));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot make the CA certificate", e);
        }
    }

    /** The CA kept in {@code certificate} and {@code key}. */
    public static FarmCertificates load(Path certificate, Path key) throws IOException, GeneralSecurityException {
        return new FarmCertificates(new Issued(readCertificate(certificate), readKey(key)));
    }

    public X509Certificate certificate() {
        return authority.certificate();
    }

    /** Writes the CA's certificate and key. */
    public void write(Path certificate, Path key) throws IOException {
        writeIssued(authority, certificate, key);
    }

    /**
     * Signs a new certificate.
     *
     * @param commonName the subject's CN: the node's name for a node
     * @param names DNS names and IP addresses for the subjectAltName; may be empty for a client
     * @param notBefore when it becomes valid
     * @param notAfter when it stops being valid
     */
    public Issued issue(String commonName, List<String> names, Purpose purpose, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException {
        requireNonNull(commonName, "commonName is null");
        requireNonNull(purpose, "purpose is null");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("a certificate must end after it begins");
        }
        KeyPair keys = newKeyPair();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    authority.certificate(),
                    serial(),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    name(commonName),
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(purpose));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    extensions.createAuthorityKeyIdentifier(authority.certificate()));
            if (!names.isEmpty()) {
                List<GeneralName> alternatives = new ArrayList<>();
                for (String name : names) {
                    alternatives.add(alternativeName(name));
                }
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(alternatives.toArray(GeneralName[]::new)));
            }
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(authority.key()));
            return new Issued(new JcaX509CertificateConverter().getCertificate(holder), keys.getPrivate());
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot make the certificate for " + commonName, e);
        }
    }

    /** Signs a new certificate valid from (a few minutes before, for clocks apart) now. */
    public Issued issue(String commonName, List<String> names, Purpose purpose, Duration validity)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        return issue(commonName, names, purpose, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    }

    /**
     * Writes a certificate and its key, each through a temporary file moved into place, so a
     * process that reloads them never reads half a file. The key file is its owner's only.
     */
    public static void writeIssued(Issued issued, Path certificate, Path key) throws IOException {
        writeAtomically(key, pem(issued.key()), true);
        writeAtomically(certificate, pem(issued.certificate()), false);
    }

    public static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            if (!(read instanceof X509CertificateHolder holder)) {
                throw new GeneralSecurityException(file + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }

    public static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (read instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new GeneralSecurityException(file + " holds no unencrypted PEM private key");
        }
    }

    private static ExtendedKeyUsage extendedKeyUsage(Purpose purpose) {
        return switch (purpose) {
            case SERVER -> new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
            case SERVER_AND_CLIENT ->
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
            case CLIENT -> new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
        };
    }

    /** An IP address (v4, or v6 with a colon) as an iPAddress, anything else as a dNSName. */
    static GeneralName alternativeName(String name) {
        boolean address = name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        return new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "FlatRender farm")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A positive random 127-bit serial: unique without a counter to keep. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PrivateKey key) {
                // PKCS#8 ("BEGIN PRIVATE KEY"): what gRPC's and the JDK's loaders read.
                writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
            } else {
                writer.writeObject(object);
            }
        }
        return text.toString();
    }

    private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary;
        try {
            temporary = secret
                    ? Files.createTempFile(
                            directory,
                            ".tmp-",
                            ".pem",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(directory, ".tmp-", ".pem");
        } catch (UnsupportedOperationException e) {
            // A filesystem without POSIX permissions (Windows): the file is made as it can be.
            temporary = Files.createTempFile(directory, ".tmp-", ".pem");
        }
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
            writer.write(content);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        if (!secret) {
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // As above: no POSIX permissions to set.
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
