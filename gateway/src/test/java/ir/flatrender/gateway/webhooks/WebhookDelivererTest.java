package ir.flatrender.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.migrations.Schema;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tenants' webhook outbox against PostgreSQL and receivers on real sockets. */
class WebhookDelivererTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final SecretBox SECRETS = new SecretBox(SecretBox.generateKey());
    private static Jdbi jdbi;
    private TestingReceiver receiver;

    @BeforeAll
    static void migrate() {
        postgres.database().migrate(List.of(Schema.IDENTITY));
        jdbi = postgres.database().jdbi();
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new TestingReceiver();
        jdbi.useHandle(h -> h.execute("DELETE FROM identity.webhook_deliveries"));
    }

    @AfterEach
    void stopReceiver() throws Exception {
        receiver.close();
    }

    static UUID tenant(String name) {
        return jdbi.withHandle(h -> h.createQuery(
                        "INSERT INTO identity.tenants (slug, name) VALUES (:slug, :name) RETURNING id")
                .bind(
                        "slug",
                        name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8))
                .bind("name", name)
                .mapTo(UUID.class)
                .one());
    }

    static String webhook(UUID tenant, String url) {
        String id = Webhooks.newWebhookId();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity.tenant_webhooks (id, tenant_id, url, events, secret_encrypted)
                        VALUES (:id, :t, :url, ARRAY['render.succeeded'], :secret)
                        """)
                .bind("id", id)
                .bind("t", tenant)
                .bind("url", url)
                .bind("secret", SECRETS.seal(WebhookSignature.newSecret(), "webhook:" + id))
                .execute());
        return id;
    }

    /** A pending delivery, due {@code agoMillis} ago (older ones are taken first). */
    static String delivery(UUID tenant, String webhook, long agoMillis) {
        String id = Webhooks.newMessageId();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity.webhook_deliveries (id, webhook_id, tenant_id, event, payload, next_attempt_at)
                        VALUES (:id, :w, :t, 'render.succeeded', '{"type": "render.succeeded"}',
                            now() - make_interval(secs => :ago))
                        """)
                .bind("id", id)
                .bind("w", webhook)
                .bind("t", tenant)
                .bind("ago", agoMillis / 1000.0)
                .execute());
        return id;
    }

    record Row(String state, int attempts, String lastError) {}

    static Row row(String id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT state, attempts, last_error FROM identity.webhook_deliveries WHERE id = :id")
                .bind("id", id)
                .map((rs, c) -> new Row(rs.getString("state"), rs.getInt("attempts"), rs.getString("last_error")))
                .one());
    }

    /** Waits (a bounded time) until the delivery has been attempted; answers its row. */
    static Row attempted(String id, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Row row = row(id);
        while (row.attempts() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            row = row(id);
        }
        return row;
    }

    private static WebhookDeliverer deliverer() {
        // A poll of an hour: the test runs the passes itself.
        return new WebhookDeliverer(jdbi, SECRETS, WebhookDeliverer.SCHEDULE, true, Duration.ofHours(1));
    }

    @Test
    @DisplayName(
            "issue 14 case 5: a receiver answering a NUL byte gets its failure recorded, cleaned, and stops no one else")
    void aNulByteInAnAnswerIsRecordedCleanedAndTheOthersAreDelivered() throws Exception {
        UUID mallory = tenant("Mallory");
        UUID alice = tenant("Alice");
        String bad = delivery(mallory, webhook(mallory, receiver.url("/nul")), 5_000);
        String good = delivery(alice, webhook(alice, receiver.url("/ok")), 1_000);

        try (WebhookDeliverer deliverer = deliverer()) {
            deliverer.sweep();
            Row delivered = attempted(good, Duration.ofSeconds(10));
            Row failed = attempted(bad, Duration.ofSeconds(10));

            assertThat(delivered.state()).isEqualTo("delivered");
            assertThat(failed.state()).isEqualTo("pending");
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.lastError()).contains("malformed").doesNotContain("\0");
        }
    }

    @Test
    @DisplayName("issue 14 case 6: one tenant's eight hanging webhooks do not hold up another tenant's delivery")
    void aTenantsHangingReceiversHoldOnlyItsOwnShareOfTheSenders() throws Exception {
        UUID mallory = tenant("Mallory");
        UUID alice = tenant("Alice");
        for (int i = 0; i < 8; i++) {
            // Older than Alice's: taken first in the old, one-at-a-time order.
            delivery(mallory, webhook(mallory, receiver.url("/hang")), 10_000 + i);
        }
        String alices = delivery(alice, webhook(alice, receiver.url("/ok")), 1_000);

        try (WebhookDeliverer deliverer = deliverer()) {
            long started = System.nanoTime();
            deliverer.sweep();
            Row row = attempted(alices, Duration.ofSeconds(10));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(row.state()).isEqualTo("delivered");
            // Well inside one hung send's 15 s timeout.
            assertThat(tookMillis).isLessThan(5_000);
            // Mallory has her share (two) being sent, no more.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (hanging() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hanging()).isEqualTo(2);
            receiver.close(); // the hung sends fail now, rather than after their timeout
        }
    }

    private long hanging() {
        return receiver.received().stream().filter("POST /hang"::equals).count();
    }

    @Test
    @DisplayName("issue 14 case 14: in production a delivery is refused on the address it would connect to")
    void aDeliveryToASpecialPurposeAddressIsRefusedAndNothingIsSent() throws Exception {
        UUID alice = tenant("Alice");
        // "localhost": a name, looked up by the sender itself when it delivers.
        String id = delivery(alice, webhook(alice, receiver.url("/ok").replace("127.0.0.1", "localhost")), 1_000);

        try (WebhookDeliverer deliverer =
                new WebhookDeliverer(jdbi, SECRETS, WebhookDeliverer.SCHEDULE, false, Duration.ofHours(1))) {
            deliverer.sweep();
            Row row = attempted(id, Duration.ofSeconds(10));

            assertThat(row.state()).isEqualTo("pending");
            assertThat(row.lastError()).contains("special-purpose address").contains("loopback");
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void deliveryLimitsAreCheckedAndDefaultToEightSendersTwoAParty() {
        assertThat(WebhookDeliverer.Limits.DEFAULT).isEqualTo(new WebhookDeliverer.Limits(8, 2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookDeliverer.Limits(2, 3))
                .hasMessageContaining("perParty");
    }

    @Test
    void errorTextIsCleanedOfControlCharactersAndCapped() {
        assertThat(WebhookDeliverer.cleaned("a\0b\r\nc")).isEqualTo("a b  c");
        assertThat(WebhookDeliverer.cleaned("x".repeat(2000))).hasSize(WebhookDeliverer.MAX_ERROR);
    }
}
