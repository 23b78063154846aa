package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import ir.flatrender.tools.farm.testing.TestingNodes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * ConsoleIT's templates admin: a package pushed as the body (new, then the same sources), refused
 * when it is no zip or not sent as one; hidden from the public catalog and shown again; a revision
 * from a stale version or to an engine the package cannot render refused; the farm rendering the
 * sample's covers and preview again, each then served to the console.
 */
final class TemplatesAdminChecks {
    private static final String SAMPLE = "/ir/flatrender/orchestrator/samples/sample-promo/";

    private final GatewayClient client;
    private final String admin;

    TemplatesAdminChecks(GatewayClient client, String admin) {
        this.client = client;
        this.admin = admin;
    }

    /** The timeline sample as another template, {@code id}, zipped. */
    static byte[] samplePackage(String id) throws IOException {
        return samplePackage(id, "");
    }

    /** The same, with {@code notes} as a file of the package when not empty (other sources: another version). */
    static byte[] samplePackage(String id, String notes) throws IOException {
        String manifest;
        byte[] logo;
        try (InputStream in = TemplatesAdminChecks.class.getResourceAsStream(SAMPLE + "template.json");
                InputStream png = TemplatesAdminChecks.class.getResourceAsStream(SAMPLE + "logo.png")) {
            assertThat(in).as("the sample's manifest on the class path").isNotNull();
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            logo = png.readAllBytes();
        }
        assertThat(manifest).contains("\"id\": \"sample-promo\"");
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("template.json"));
            out.write(manifest.replace("\"id\": \"sample-promo\"", "\"id\": \"" + id + "\"")
                    .getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("logo.png"));
            out.write(logo);
            out.closeEntry();
            if (!notes.isEmpty()) {
                out.putNextEntry(new ZipEntry("notes.txt"));
                out.write(notes.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip.toByteArray();
    }

    GatewayClient.Answer push(byte[] body, String contentType, String token) {
        return client.send(client.request("/v1/admin/templates", token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private List<String> publicCatalog() {
        GatewayClient.Answer answer = client.get("/v1/catalog/templates?lang=en", null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        answer.body().path("templates").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    void pushesAndRefuses() throws IOException {
        byte[] zip = samplePackage("console-promo");
        GatewayClient.Answer first = push(zip, "application/zip", admin);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.body().path("template").path("id").asText()).isEqualTo("console-promo");
        assertThat(first.body().path("template").path("version").asInt()).isEqualTo(1);
        assertThat(first.header("Location")).isEqualTo("/v1/admin/templates/console-promo");
        GatewayClient.Answer again = push(zip, "application/zip", admin);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.body().path("created").asBoolean()).isFalse();

        GatewayClient.Answer notZip =
                push("not a zip at all".getBytes(StandardCharsets.UTF_8), "application/zip", admin);
        assertThat(notZip.status()).as(notZip.toString()).isBetween(400, 422);
        assertThat(push(zip, "application/json", admin).status()).isEqualTo(415);
        assertThat(push(new byte[0], "application/zip", admin).status()).isEqualTo(422);

        JsonNode listed = find(client.get("/v1/admin/templates", admin).body().path("templates"), "sample-promo");
        assertThat(listed.path("engine").asText()).isEqualTo("timeline");
        assertThat(listed.path("engines_available").toString()).contains("timeline");
        assertThat(listed.path("hidden").asBoolean()).isFalse();
    }

    void hidesAndShows() {
        assertThat(publicCatalog()).contains("console-promo");
        GatewayClient.Answer hidden = client.post(
                "/v1/admin/templates/console-promo/visibility", admin, "{\"hidden\": true, \"reason\": \"test\"}");
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(200);
        assertThat(hidden.body().path("hidden").asBoolean()).isTrue();
        assertThat(publicCatalog()).doesNotContain("console-promo");
        JsonNode detail = client.get("/v1/admin/templates/console-promo", admin).body();
        assertThat(detail.path("template").path("hidden").asBoolean()).isTrue();
        assertThat(detail.path("versions")).hasSize(1);
        assertThat(detail.path("in_catalog").asBoolean())
                .as("the console still sees a hidden template's entry")
                .isTrue();
        assertThat(client.post("/v1/admin/templates/console-promo/visibility", admin, "{\"hidden\": \"yes\"}")
                        .body()
                        .path("errors")
                        .toString())
                .contains("hidden");
        assertThat(client.post("/v1/admin/templates/console-promo/visibility", admin, "{\"hidden\": false}")
                        .status())
                .isEqualTo(200);
        assertThat(publicCatalog()).contains("console-promo");
        assertThat(client.post("/v1/admin/templates/no-such-template/visibility", admin, "{\"hidden\": true}")
                        .status())
                .isEqualTo(404);
    }

    void refusesBadRevisions() throws IOException {
        // Other sources make version 2: an edit of version 1 is stale.
        GatewayClient.Answer second = push(samplePackage("console-promo", "second"), "application/zip", admin);
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        assertThat(second.body().path("template").path("version").asInt()).isEqualTo(2);
        GatewayClient.Answer stale = client.post(
                "/v1/admin/templates/console-promo/revise", admin, "{\"base_version\": 1, \"engine\": \"timeline\"}");
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(client.post(
                                "/v1/admin/templates/console-promo/revise",
                                admin,
                                "{\"base_version\": 7, \"engine\": \"timeline\"}")
                        .status())
                .isEqualTo(404);
        GatewayClient.Answer noPayload = client.post(
                "/v1/admin/templates/console-promo/revise",
                admin,
                "{\"base_version\": 2, \"engine\": \"aftereffects\"}");
        assertThat(noPayload.status()).as(noPayload.toString()).isEqualTo(422);
        assertThat(noPayload.body().path("errors").toString()).contains("engine");
        GatewayClient.Answer badAspect = client.post(
                "/v1/admin/templates/console-promo/revise",
                admin,
                "{\"base_version\": 2, \"engine\": \"timeline\", \"aspects\": [{\"aspect\": \"4:3\", \"composition\": \"x\"}]}");
        assertThat(badAspect.status()).isEqualTo(422);
        assertThat(badAspect.body().path("errors").toString()).contains("aspects[0].aspect");
    }

    /** The farm renders the sample's covers and preview again; the console then serves them. */
    void rendersCatalogMedia() throws Exception {
        GatewayClient.Answer started =
                client.post("/v1/admin/templates/sample-promo/media", admin, "{\"force\": true, \"reason\": \"test\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        int version = started.body().path("template_version").asInt();
        assertThat(started.body().path("covers").asInt()).isEqualTo(3);
        TestingNodes.eventually(Duration.ofMinutes(4), () -> {
            JsonNode media =
                    client.get("/v1/admin/templates/sample-promo", admin).body().path("media");
            List<JsonNode> current = new ArrayList<>();
            media.forEach(m -> {
                if (m.path("template_version").asInt() == version) {
                    current.add(m);
                }
            });
            assertThat(current.stream().filter(m -> m.path("kind").asText().equals("cover")))
                    .hasSize(3);
            assertThat(current.stream().filter(m -> m.path("kind").asText().equals("preview")))
                    .hasSize(1);
        });
        JsonNode media =
                client.get("/v1/admin/templates/sample-promo", admin).body().path("media");
        for (JsonNode m : media) {
            if (!m.path("kind").asText().equals("cover")) {
                continue;
            }
            GatewayClient.Answer bytes = client.get(m.path("url").asText(), admin);
            assertThat(bytes.status()).isEqualTo(200);
            assertThat(bytes.contentType()).isEqualTo("image/jpeg");
            BufferedImage cover =
                    ImageIO.read(new ByteArrayInputStream(bytes.response().body()));
            assertThat(cover.getWidth())
                    .as("%s cover", m.path("aspect"))
                    .isEqualTo(m.path("width").asInt());
            assertThat(cover.getHeight()).isEqualTo(m.path("height").asInt());
        }
        assertThat(client.post("/v1/admin/templates/sample-promo/media", admin, "{\"force\": 1}")
                        .status())
                .isEqualTo(422);
    }

    private static JsonNode find(JsonNode templates, String id) {
        for (JsonNode template : templates) {
            if (template.path("id").asText().equals(id)) {
                return template;
            }
        }
        throw new AssertionError("no template " + id + " in " + templates);
    }
}
