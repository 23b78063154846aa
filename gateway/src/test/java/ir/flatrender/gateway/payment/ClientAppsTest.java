package ir.flatrender.gateway.payment;

import static ir.flatrender.gateway.TestingTenants.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.webhooks.WebhookSignature;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client apps and the check of their signed calls against the real database. */
class ClientAppsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final String PATH = "/v1/pay/request";
    private static final byte[] BODY = "{\"amount\":10000}".getBytes(StandardCharsets.UTF_8);

    private ClientApps clients;

    @BeforeEach
    void clients() {
        clients = new ClientApps(
                postgres.database().jdbi(), new SecretBox(SecretBox.generateKey()), new RateLimiter(6000));
    }

    private ClientApps.Issued meezi() {
        return clients.create(
                "meezi.ir",
                List.of("https://meezi.ir/pay/return"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static ClientApps.SignedCall call(String apiKey, String hmacSecret, String nonce) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        return new ClientApps.SignedCall(
                apiKey,
                timestamp,
                nonce,
                ClientSignature.signRequest(hmacSecret, "POST", PATH, timestamp, nonce, BODY),
                "POST",
                PATH,
                BODY);
    }

    @Test
    void aSignedCallWithANewNoncePassesAndTheNonceIsTakenOnce() {
        ClientApps.Issued issued = meezi();

        ClientApps.Caller caller = clients.authenticate(call(issued.apiKey(), issued.hmacSecret(), "nonce-0000000001"));

        assertThat(caller.app()).isEqualTo(issued.app());
        assertThat(caller.hmacSecret()).isEqualTo(issued.hmacSecret());
        assertThatThrownBy(() -> clients.authenticate(call(issued.apiKey(), issued.hmacSecret(), "nonce-0000000001")))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.type()).endsWith("nonce-reused"));
        clients.releaseNonce(caller);
        assertThat(clients.authenticate(call(issued.apiKey(), issued.hmacSecret(), "nonce-0000000001"))
                        .app()
                        .id())
                .isEqualTo(issued.app().id());
    }

    @Test
    void aWrongSignatureAnUnknownKeyOrADisabledAppIsRefused() {
        ClientApps.Issued issued = meezi();

        assertThat(status(() -> clients.authenticate(call(issued.apiKey(), "fps_wrong", "nonce-0000000002"))))
                .isEqualTo(401);
        assertThat(status(() ->
                        clients.authenticate(call(ClientApps.newApiKey(), issued.hmacSecret(), "nonce-0000000003"))))
                .isEqualTo(401);
        assertThat(status(() -> clients.authenticate(call("not a key", issued.hmacSecret(), "nonce-0000000004"))))
                .isEqualTo(401);
        ClientApps.ClientApp app = issued.app();
        clients.update(
                app.id(),
                new ClientApps.Settings(
                        app.name(), app.returnUrls(), app.webhookUrl(), app.merchantId(), app.unit(), true));
        assertThat(status(() -> clients.authenticate(call(issued.apiKey(), issued.hmacSecret(), "nonce-0000000005"))))
                .isEqualTo(403);
    }

    @Test
    void rotatedKeysReplaceTheOldOnesAfterTheirGrace() {
        ClientApps.Issued first = meezi();

        ClientApps.Issued second = clients.rotateKeys(first.app(), 0);

        assertThat(status(() -> clients.authenticate(call(first.apiKey(), first.hmacSecret(), "nonce-0000000006"))))
                .isEqualTo(401);
        assertThat(clients.authenticate(call(second.apiKey(), second.hmacSecret(), "nonce-0000000007"))
                        .hmacSecret())
                .isEqualTo(second.hmacSecret());
        assertThat(clients.currentHmacSecret(first.app().id())).isEqualTo(second.hmacSecret());

        ClientApps.Issued third = clients.rotateKeys(first.app(), 3600);
        assertThat(status(() -> clients.authenticate(call(second.apiKey(), second.hmacSecret(), "nonce-0000000008"))))
                .isEqualTo(200);
        assertThat(clients.currentHmacSecret(first.app().id())).isEqualTo(third.hmacSecret());
    }

    @Test
    void provisioningMakesTheAppOnceAndKeepsItsKey() {
        UUID id = UUID.randomUUID();
        String apiKey = ClientApps.newApiKey();
        String hmac = Secrets.generate("fps_");

        clients.provision(
                id,
                "FlatRender",
                List.of("https://a.example/r"),
                "https://a.example/w",
                apiKey,
                hmac,
                WebhookSignature.newSecret());
        ClientApps.ClientApp again = clients.provision(
                id,
                "FlatRender 2",
                List.of("https://b.example/r"),
                "https://b.example/w",
                apiKey,
                hmac,
                WebhookSignature.newSecret());

        assertThat(again.name()).isEqualTo("FlatRender 2");
        assertThat(again.returnUrls()).containsExactly("https://b.example/r");
        assertThat(clients.list()).filteredOn(app -> app.id().equals(id)).hasSize(1);
        assertThat(clients.authenticate(call(apiKey, hmac, "nonce-0000000009"))
                        .app()
                        .id())
                .isEqualTo(id);
        assertThatThrownBy(() -> clients.provision(id, "x", List.of(), "w", "not a key", hmac, "s"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
