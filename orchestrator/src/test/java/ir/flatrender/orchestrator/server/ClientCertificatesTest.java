package ir.flatrender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class ClientCertificatesTest {
    @Test
    void theCommonNameIsReadFromTheSubject() {
        assertThat(ClientCertificates.commonName(new X500Principal("CN=render-07, O=FlatRender farm")))
                .contains("render-07");
        assertThat(ClientCertificates.commonName(new X500Principal("O=FlatRender farm, CN=render-08")))
                .contains("render-08");
    }

    @Test
    void aSubjectWithoutACommonNameHasNone() {
        assertThat(ClientCertificates.commonName(new X500Principal("O=FlatRender farm")))
                .isEmpty();
    }

    @Test
    void withoutTlsThereIsNoName() {
        assertThat(ClientCertificates.commonName((javax.net.ssl.SSLSession) null))
                .isEmpty();
    }
}
