package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.tools.farm.testing.CommandRun;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.farm.testing.TestingRemotion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeding fills the catalog from the farm (issue 18, part 3): {@code templates seed --only opener}
 * pushes one template, whose push makes its catalog entry, then has the farm render a cover per
 * aspect and a 360p preview, linked to the entry (RenderCatalogMedia: the orchestrator renders
 * and links them, the seed waits and says what arrives); seeding again renders nothing; the gateway
 * serves the cover's bytes as the farm stores them. One 2D template keeps it to a couple of
 * minutes; the whole pack's covers are TemplatePackFarmIT's.
 */
class CatalogSeedFarmIT {
    private static final String TEMPLATE = "opener";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The Remotion farm RemotionFarmIT shares (the same shape): this class's templates (opener,
     * glitter-reveal) are none of its, and the gateway's sign-ups are new tenants.
     */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.shared(FarmShape.remotionPair().withGateway());

    @TempDir
    static Path directory;

    @BeforeAll
    static void packInstalled() {
        TestingRemotion.assertPackInstalled();
    }

    private static CommandRun seed() {
        return seed(TEMPLATE);
    }

    /** {@code templates seed} of one folder of the pack against this farm, with more options. */
    private static CommandRun seed(String only, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "templates",
                "seed",
                TestingRemotion.PACK.toString(),
                "--only",
                only,
                "--remotion-runner",
                TestingRemotion.RUNNER.toString()));
        args.addAll(List.of(more));
        return farm.farm().flatrender(args.toArray(String[]::new));
    }

    /** The farm's renders of this class's template (the farm is shared: other classes render too). */
    private static long renders() {
        return farm.farm()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM render.render_jobs WHERE template_id = :template")
                        .bind("template", TEMPLATE)
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    @DisplayName("issue 18 part 3: seed fills the catalog with farm-rendered covers and a 360p preview, once")
    void seedingRendersCoversAndAPreviewOnceAndTheGatewayServesThem() throws Exception {
        CommandRun first = seed();
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out())
                .containsPattern(TEMPLATE + "\\s+version 1 pushed")
                // The farm renders them (RenderCatalogMedia); the seed says what arrives.
                .containsPattern(TEMPLATE + ": preview 16:9 360p, job [0-9a-f-]{36}")
                .containsPattern(TEMPLATE + ": cover 16:9 1920x1080, \\d+ KB, linked in")
                .containsPattern(TEMPLATE + ": cover 9:16 1080x1920, \\d+ KB, linked in")
                .containsPattern(TEMPLATE + ": preview 640x360, 150 frames, \\d+ KB in");
        CatalogEntry entry = CatalogServiceGrpc.newBlockingStub(farm.farm().channel())
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId(TEMPLATE)
                        .build());
        assertThat(entry.getNameFa()).isEqualTo("افتتاحیه");
        assertThat(entry.getCategoryId()).isEqualTo("intro");
        assertThat(entry.getScenes(0).getFieldsList())
                .extracting(f -> f.getName())
                .contains("title", "primary");
        assertThat(entry.getPresetsCount()).isEqualTo(3);
        assertThat(entry.getMediaList()).hasSize(4).allMatch(m -> m.getTemplateVersion() == 1);

        for (Map.Entry<String, CatalogMediaChecks.Cover> cover :
                CatalogMediaChecks.covers(farm.farm().channel(), entry).entrySet()) {
            assertNotBlank(cover.getValue().image(), cover.getKey());
            Files.write(
                    directory.resolve(TEMPLATE + "-" + cover.getKey().replace(':', 'x') + ".jpg"),
                    cover.getValue().bytes());
        }
        CatalogMediaChecks.preview(farm.farm().channel(), entry, directory.resolve(TEMPLATE + "-preview.mp4"));

        // Seeding again: the sources are unchanged and the media there, so nothing is rendered.
        long before = renders();
        CommandRun again = seed();
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out())
                .containsPattern(TEMPLATE + "\\s+version 1 unchanged")
                .contains("covers and preview of version 1 already there")
                .doesNotContain("rendered in")
                .doesNotContain("preview 16:9 360p, job");
        assertThat(renders()).isEqualTo(before);

        // The gateway serves the cover's bytes as the farm stores them, to anyone.
        GatewayClient client = new GatewayClient(farm.farm().gatewayPort());
        GatewayClient.Answer detail = client.get("/v1/catalog/templates/" + TEMPLATE, null);
        assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
        JsonNode wide = detail.body().path("aspects").get(0);
        assertThat(wide.path("aspect").asText()).isEqualTo("16:9");
        CatalogMedia wideCover = entry.getMediaList().stream()
                .filter(m -> m.getKind().equals("cover") && m.getAspect().equals("16:9"))
                .findFirst()
                .orElseThrow();
        GatewayClient.Answer served = client.get(wide.path("cover_url").asText(), null);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.contentType()).isEqualTo("image/jpeg");
        assertThat(served.header("ETag")).isEqualTo("\"" + wideCover.getSha256() + "\"");
        assertThat(served.response().body())
                .isEqualTo(CatalogMediaChecks.blob(farm.farm().channel(), wideCover.getSha256()));
        GatewayClient.Answer list = client.get(
                "/v1/catalog/templates?q="
                        + java.net.URLEncoder.encode("افتتاحيه", java.nio.charset.StandardCharsets.UTF_8),
                null);
        assertThat(list.body().path("templates").get(0).path("id").asText()).isEqualTo(TEMPLATE);
    }

    @Test
    @DisplayName("issue 18 case 5: a logo uploaded through the gateway is stored and drawn by GlitterReveal")
    void aLogoUploadedThroughTheGatewayIsDrawnByGlitterReveal() throws Exception {
        CommandRun pushed = seed("glitter-reveal", "--no-media");
        assertThat(pushed.exitCode()).as(pushed.out() + pushed.err()).isZero();
        GatewayClient client = new GatewayClient(farm.farm().gatewayPort());
        GatewayClient.Answer signedUp = client.post(
                "/v1/auth/signup",
                null,
                JSON.createObjectNode()
                        .put(
                                "email",
                                "logo-" + java.util.UUID.randomUUID().toString().substring(0, 6) + "@example.com")
                        .put("password", "a long password")
                        .put("name", "Logo")
                        .toString());
        assertThat(signedUp.status()).as(signedUp.toString()).isEqualTo(201);
        String token = signedUp.body().path("access_token").asText();
        // A green square with a white disc: its green shows where GlitterReveal puts the logo.
        BufferedImage logo = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = logo.createGraphics();
        g.setColor(new java.awt.Color(0x00, 0xc8, 0x53));
        g.fillRect(0, 0, 256, 256);
        g.setColor(java.awt.Color.WHITE);
        g.fillOval(64, 64, 128, 128);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(logo, "png", png);

        GatewayClient.Answer uploaded = client.send(client.request("/v1/uploads?filename=logo.png", token)
                .header("Content-Type", "image/png")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(png.toByteArray()))
                .build());
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String binding = uploaded.body().path("binding").asText();

        BufferedImage with = snapshot(client, token, binding);
        BufferedImage without = snapshot(client, token, null);
        ImageIO.write(
                with,
                "png",
                directory.resolve("glitter-reveal-uploaded-logo.png").toFile());
        // The logo's place (centre 0.5, 0.38, 0.4 wide): a strip inside its left edge, clear of the disc.
        assertThat(greenShare(with, 0.31, 0.26, 0.06, 0.24)).isGreaterThan(0.5);
        assertThat(greenShare(without, 0.31, 0.26, 0.06, 0.24)).isLessThan(0.05);
    }

    private static BufferedImage snapshot(GatewayClient client, String token, String logo) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode()
                .put("template", "glitter-reveal")
                .put("aspect", "1:1")
                .put("frame", 100);
        com.fasterxml.jackson.databind.node.ObjectNode bindings = body.putObject("bindings");
        if (logo != null) {
            bindings.put("logo", logo);
        }
        GatewayClient.Answer answer = client.post("/v1/snapshots", token, body.toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        BufferedImage image =
                ImageIO.read(new ByteArrayInputStream(answer.response().body()));
        assertThat(image).isNotNull();
        return image;
    }

    /** The share of a region's pixels that are clearly green (#00c853's hue within 20 degrees). */
    private static double greenShare(BufferedImage image, double x, double y, double w, double h) {
        BufferedImage region = image.getSubimage(
                (int) Math.round(x * image.getWidth()),
                (int) Math.round(y * image.getHeight()),
                Math.max(1, (int) Math.round(w * image.getWidth())),
                Math.max(1, (int) Math.round(h * image.getHeight())));
        float target = java.awt.Color.RGBtoHSB(0x00, 0xc8, 0x53, null)[0];
        int hits = 0;
        for (int j = 0; j < region.getHeight(); j++) {
            for (int i = 0; i < region.getWidth(); i++) {
                int p = region.getRGB(i, j);
                float[] hsb = java.awt.Color.RGBtoHSB(p >> 16 & 0xff, p >> 8 & 0xff, p & 0xff, null);
                double distance = Math.abs(hsb[0] - target);
                distance = Math.min(distance, 1 - distance) * 360;
                if (hsb[1] > 0.3 && hsb[2] > 0.25 && distance <= 20) {
                    hits++;
                }
            }
        }
        return hits / (double) (region.getWidth() * region.getHeight());
    }

    /** Not one flat colour: many colours, and light that varies across the picture. */
    private static void assertNotBlank(BufferedImage image, String what) {
        Set<Integer> colours = new HashSet<>();
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb & 0xf0f0f0);
                double light = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                sum += light;
                squares += light * light;
                n++;
            }
        }
        double mean = sum / n;
        double deviation = Math.sqrt(Math.max(0, squares / n - mean * mean));
        assertThat(colours.size()).as("colours in the %s cover", what).isGreaterThan(20);
        assertThat(deviation).as("light's deviation in the %s cover", what).isGreaterThan(8.0);
    }
}
