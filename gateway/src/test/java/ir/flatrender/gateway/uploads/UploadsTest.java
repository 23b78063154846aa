package ir.flatrender.gateway.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.TestingTenants;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Uploads against the real database: judged by content, per tenant, bounded, resolved into bindings. */
public class UploadsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("test-request", "127.0.0.1");

    private Jdbi jdbi;
    private Uploads uploads;
    private UUID tenant;

    @BeforeAll
    static void partitions() {
        TestingTenants.makeLogPartitions(postgres.database().jdbi());
    }

    @BeforeEach
    void newTenant() {
        jdbi = postgres.database().jdbi();
        uploads = new Uploads(jdbi, JSON);
        tenant = TestingTenants.tenant(jdbi, "free");
    }

    /** A PNG of that size with a drawn circle. */
    public static byte[] png(int width, int height) throws IOException {
        return picture("png", width, height, Color.ORANGE);
    }

    static byte[] picture(String format, int width, int height, Color colour) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillOval(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static Principal editor(UUID tenant) {
        return new Principal(
                tenant, Optional.empty(), Optional.of("key-1"), Principal.Role.EDITOR, false, List.of("renders:write"));
    }

    private long rows(UUID tenant) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM identity.uploads WHERE tenant_id = :t")
                .bind("t", tenant)
                .mapTo(Long.class)
                .one());
    }

    private static Problem problem(Runnable call) {
        try {
            call.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("no problem was thrown");
    }

    @Test
    void aPictureIsKeptWithWhatItsContentSaysAndTheSameFileTwiceIsOneUpload() throws Exception {
        byte[] png = png(120, 60);
        Uploads.Stored first = uploads.store(editor(tenant), png, Optional.of("logo.png"), ORIGIN);
        Uploads.Stored again = uploads.store(editor(tenant), png, Optional.of("copy.png"), ORIGIN);

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.upload()).isEqualTo(first.upload());
        Upload upload = first.upload();
        assertThat(upload.contentType()).isEqualTo("image/png");
        assertThat(upload.width()).isEqualTo(120);
        assertThat(upload.height()).isEqualTo(60);
        assertThat(upload.sizeBytes()).isEqualTo(png.length);
        assertThat(upload.filename()).contains("logo.png");
        assertThat(uploads.content(tenant, upload.id()))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(png));
        // A JPEG is a JPEG whatever it is called.
        Upload jpeg = uploads.store(editor(tenant), picture("jpeg", 30, 40, Color.BLUE), Optional.of("x.png"), ORIGIN)
                .upload();
        assertThat(jpeg.contentType()).isEqualTo("image/jpeg");
        assertThat(rows(tenant)).isEqualTo(2);
    }

    @Test
    void aFileThatIsNotAPictureOrTooLargeIsRefusedAndNothingIsKept() throws Exception {
        Problem text = problem(() -> uploads.store(
                editor(tenant), "just text".getBytes(StandardCharsets.UTF_8), Optional.of("logo.png"), ORIGIN));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.getMessage()).contains("is not a PNG, JPEG or SVG");

        byte[] png = png(200, 200);
        Problem cut = problem(
                () -> uploads.store(editor(tenant), Arrays.copyOf(png, png.length / 2), Optional.empty(), ORIGIN));
        assertThat(cut.status()).isEqualTo(415);

        byte[] big = Arrays.copyOf(png, Uploads.MAX_BYTES + 1);
        assertThat(problem(() -> uploads.store(editor(tenant), big, Optional.empty(), ORIGIN))
                        .status())
                .isEqualTo(413);

        Problem script = problem(() -> uploads.store(
                editor(tenant),
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 9 9\" onload=\"alert(1)\"/>"
                        .getBytes(StandardCharsets.UTF_8),
                Optional.empty(),
                ORIGIN));
        assertThat(script.status()).isEqualTo(415);
        assertThat(script.getMessage()).contains("event handler");
        assertThat(rows(tenant)).isZero();
    }

    @Test
    void aTenantSeesAndDeletesOnlyItsOwnUploads() throws Exception {
        UUID other = TestingTenants.tenant(jdbi, "free");
        Upload mine = uploads.store(editor(tenant), png(10, 10), Optional.empty(), ORIGIN)
                .upload();
        // The same bytes in another tenant are that tenant's own upload.
        Upload theirs = uploads.store(editor(other), png(10, 10), Optional.empty(), ORIGIN)
                .upload();
        assertThat(theirs.id()).isNotEqualTo(mine.id());

        assertThat(uploads.find(other, mine.id())).isEmpty();
        assertThat(uploads.content(other, mine.id())).isEmpty();
        assertThat(uploads.recent(other)).extracting(Upload::id).containsExactly(theirs.id());
        assertThat(uploads.delete(editor(other), mine.id(), ORIGIN)).isFalse();
        assertThat(uploads.find(tenant, mine.id())).isPresent();
        assertThat(uploads.delete(editor(tenant), mine.id(), ORIGIN)).isTrue();
        assertThat(uploads.find(tenant, mine.id())).isEmpty();
    }

    @Test
    void aTenantKeepsAtMostItsLimitOfUploads() throws Exception {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity.uploads (id, tenant_id, content_type, size_bytes, width, height, sha256,
                            content)
                        SELECT gen_random_uuid(), :t, 'image/png', 1, 1, 1,
                            encode(sha256(int4send(n)), 'hex'), '\\x00'::bytea
                        FROM generate_series(1, :n) AS n
                        """)
                .bind("t", tenant)
                .bind("n", Uploads.MAX_PER_TENANT)
                .execute());

        Problem full = problem(() -> {
            try {
                uploads.store(editor(tenant), png(5, 5), Optional.empty(), ORIGIN);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(full.status()).isEqualTo(409);
        assertThat(full.getMessage()).contains("delete some first");
        assertThat(rows(tenant)).isEqualTo(Uploads.MAX_PER_TENANT);
    }

    @Test
    void oneFileSentTwiceAtOnceIsOneUpload() throws Exception {
        byte[] png = png(64, 64);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Uploads.Stored>> stored = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                stored.add(pool.submit(() -> {
                    start.await();
                    return uploads.store(editor(tenant), png, Optional.empty(), ORIGIN);
                }));
            }
            start.countDown();
            long created = 0;
            for (Future<Uploads.Stored> future : stored) {
                created += future.get(30, TimeUnit.SECONDS).created() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
            assertThat(rows(tenant)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bindingsNamingAnUploadGetItsBytesAndAnythingElseIsLeftAlone() throws Exception {
        byte[] png = png(16, 16);
        Upload upload =
                uploads.store(editor(tenant), png, Optional.empty(), ORIGIN).upload();
        ObjectNode bindings = JSON.createObjectNode()
                .put("logo", upload.binding())
                .put("title", "uploads are named upload:<id>")
                .put("speed", 2);

        ObjectNode resolved = uploads.resolve(tenant, bindings);

        assertThat(resolved.path("logo").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        assertThat(resolved.path("title").asText()).isEqualTo("uploads are named upload:<id>");
        assertThat(resolved.path("speed").asInt()).isEqualTo(2);
        assertThat(bindings.path("logo").asText()).isEqualTo(upload.binding());

        Problem missing = problem(() -> uploads.resolve(
                tenant,
                JSON.createObjectNode()
                        .put("logo", "upload:" + UUID.randomUUID())
                        .put("bg", "upload:x")));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.errors())
                .extracting(Problem.FieldError::field)
                .containsExactlyInAnyOrder("bindings.logo", "bindings.bg");
    }
}
