package ir.flatrender.tools.certs;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.tools.FlatRender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        return new Run(code, out.toString(), err.toString());
    }

    private X509Certificate certificate(String file) throws Exception {
        return FarmCertificates.readCertificate(dir.resolve(file));
    }

    /** The JDK's own PKIX validation from the CA: signatures, dates, constraints. */
    private void assertValidates(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    private static List<String> alternativeNames(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<?> entry : certificate.getSubjectAlternativeNames()) {
            names.add(String.valueOf(entry.get(1)));
        }
        return names;
    }

    @Test
    @DisplayName("certs init and certs node make a CA and certificates that validate from it, keys 0600")
    void initAndNodeMakeAChainThatValidates() throws Exception {
        Run init = run(
                "certs",
                "init",
                "--dir",
                dir.toString(),
                "--orchestrator-name",
                "farm.example,10.0.0.5",
                "--gateway-name",
                "gw.example",
                "--days",
                "30");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Run node = run("certs", "node", "--dir", dir.toString(), "--name", "render-07");
        assertThat(node.exitCode()).as(node.err()).isZero();

        X509Certificate ca = certificate("ca.pem");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        X509Certificate orchestrator = certificate("orchestrator.pem");
        X509Certificate gateway = certificate("gateway.pem");
        X509Certificate render07 = certificate("nodes/render-07.pem");
        for (X509Certificate leaf : List.of(orchestrator, gateway, render07)) {
            assertValidates(leaf, ca);
            assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
            assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        }
        assertThat(alternativeNames(orchestrator)).containsExactly("farm.example", "10.0.0.5");
        assertThat(orchestrator.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(alternativeNames(gateway)).containsExactly("gw.example");
        assertThat(gateway.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(render07.getSubjectX500Principal().getName()).contains("CN=render-07");
        assertThat(render07.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(render07.getNotAfter().getTime() - render07.getNotBefore().getTime())
                .isBetween(825L * 86_400_000, 826L * 86_400_000);
        assertThat(orchestrator.getNotAfter().getTime()
                        - orchestrator.getNotBefore().getTime())
                .isBetween(30L * 86_400_000, 31L * 86_400_000);

        for (String key : List.of("ca-key.pem", "orchestrator-key.pem", "gateway-key.pem", "nodes/render-07-key.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .as(key)
                    .isEqualTo("rw-------");
            // Each key is the one its certificate names.
            assertThat(FarmCertificates.readKey(dir.resolve(key)).getAlgorithm())
                    .isEqualTo("EC");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))))
                .isEqualTo("rw-r--r--");
        // No temporary file is left beside them.
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    @Test
    @DisplayName("the defaults: the orchestrator's and gateway's certificates name localhost and 127.0.0.1")
    void defaultNamesAreLoopback() throws Exception {
        assertThat(run("certs", "init", "--dir", dir.toString()).exitCode()).isZero();
        assertThat(alternativeNames(certificate("orchestrator.pem"))).containsExactly("localhost", "127.0.0.1");
        assertThat(alternativeNames(certificate("gateway.pem"))).containsExactly("localhost", "127.0.0.1");
    }

    @Test
    @DisplayName("an existing CA is not replaced without --force")
    void anExistingCaIsKeptWithoutForce() throws Exception {
        assertThat(run("certs", "init", "--dir", dir.toString()).exitCode()).isZero();
        X509Certificate first = certificate("ca.pem");

        Run again = run("certs", "init", "--dir", dir.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a CA").contains("--force");
        assertThat(certificate("ca.pem")).isEqualTo(first);

        Run forced = run("certs", "init", "--dir", dir.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(certificate("ca.pem").getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    }

    @Test
    @DisplayName("bad input is refused with the option it is about")
    void badInputNamesTheOption() {
        Run days = run("certs", "init", "--dir", dir.toString(), "--days", "0");
        assertThat(days.exitCode()).isEqualTo(2);
        assertThat(days.err()).contains("--days");
        Run host = run("certs", "init", "--dir", dir.toString(), "--orchestrator-name", "not a host");
        assertThat(host.exitCode()).isEqualTo(2);
        assertThat(host.err()).contains("--orchestrator-name");
        assertThat(dir.resolve("ca.pem")).doesNotExist();

        Run noCa = run("certs", "node", "--dir", dir.toString(), "--name", "render-01");
        assertThat(noCa.exitCode()).isEqualTo(2);
        assertThat(noCa.err()).contains("holds no CA").contains("certs init");

        assertThat(run("certs", "init", "--dir", dir.toString()).exitCode()).isZero();
        Run name = run("certs", "node", "--dir", dir.toString(), "--name", "../escape");
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err()).contains("--name");
        Run missing = run("certs", "node", "--dir", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--name");
    }

    @Test
    @DisplayName("the orchestrator refuses --tls-client-ca without a certificate of its own, before it starts anything")
    void mutualTlsNeedsTheServersCertificate() {
        Run run = run(
                "orchestrator",
                "--data-dir",
                dir.toString(),
                "--token",
                "a-token",
                "--tls-client-ca",
                dir.resolve("ca.pem").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--tls-client-ca needs --tls-cert");
    }
}
