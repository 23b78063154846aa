package ir.flatrender.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog routes over HTTP against an in-memory farm: filters, the Persian search's
 * normalisation, the detail a form needs, 400s and 404s naming what was wrong, and covers and
 * previews with their digest as ETag, 304 and ranges.
 */
class CatalogRoutesTest {
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final TestingCatalogFarm farm = new TestingCatalogFarm();
    private static Javalin app;

    @BeforeAll
    static void start() {
        app = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.jetty.host = "127.0.0.1";
                    config.jetty.port = 0;
                    // Stands in for the gateway's credential filter: a caller of a tenant, when named.
                    config.routes.before(ctx -> {
                        String tenant = ctx.header("X-Test-Tenant");
                        if (tenant != null) {
                            Callers.authenticate(
                                    ctx,
                                    new Principal(
                                            UUID.fromString(tenant),
                                            Optional.empty(),
                                            Optional.of("key"),
                                            Principal.Role.VIEWER,
                                            false,
                                            List.of()));
                        }
                    });
                    new CatalogRoutes(new CatalogService(farm), Callers::optionalPrincipal, json)
                            .register(new RouteTable(config.routes));
                    config.routes.exception(Problem.class, (e, ctx) -> {
                        var body = json.createObjectNode()
                                .put("status", e.status())
                                .put("detail", e.getMessage());
                        var errors = body.putArray("errors");
                        e.errors().forEach(f -> errors.addObject().put("field", f.field()));
                        ctx.status(e.status()).json(body);
                    });
                })
                .start();
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode getJson(String path, String... headers) throws Exception {
        HttpResponse<byte[]> response = get(path, headers);
        JsonNode body = json.readTree(response.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_status", response.statusCode());
        return body;
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("templates").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    private static String q(String text) {
        return "/v1/catalog/templates?q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void anonymousCallersSeeTheSharedCatalogAndATenantItsOwnTemplatesAsWell() throws Exception {
        JsonNode shared = getJson("/v1/catalog/templates");
        assertThat(ids(shared)).containsExactly("happy-birthday", "sale-promo", "sample-promo");
        assertThat(shared.path("total").asInt()).isEqualTo(3);
        JsonNode acme = getJson("/v1/catalog/templates", "X-Test-Tenant", TestingCatalogFarm.ACME.toString());
        assertThat(ids(acme)).contains("acme-intro").hasSize(4);
        assertThat(getJson("/v1/catalog/templates/acme-intro").path("_status").asInt())
                .isEqualTo(404);
        assertThat(get("/v1/catalog/templates", "X-Test-Tenant", TestingCatalogFarm.ACME.toString())
                        .headers()
                        .firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("private"));
        JsonNode categories = getJson("/v1/catalog/categories?lang=en");
        List<String> names = new ArrayList<>();
        categories
                .path("categories")
                .forEach(c ->
                        names.add(c.path("id").asText() + "=" + c.path("name").asText()));
        assertThat(names).containsExactly("celebration=Celebration", "sale=Sale", "other=Other");
    }

    @Test
    void filtersByCategoryAspectAndEngineAndPages() throws Exception {
        assertThat(ids(getJson("/v1/catalog/templates?category=sale"))).containsExactly("sale-promo");
        assertThat(ids(getJson("/v1/catalog/templates?aspect=9:16"))).containsExactly("happy-birthday");
        assertThat(ids(getJson("/v1/catalog/templates?aspect=16x9"))).hasSize(3);
        assertThat(ids(getJson("/v1/catalog/templates?engine=timeline"))).containsExactly("sample-promo");
        assertThat(ids(getJson("/v1/catalog/templates?engine=remotion&aspect=16:9")))
                .containsExactly("happy-birthday", "sale-promo");
        JsonNode second = getJson("/v1/catalog/templates?page=2&page_size=2");
        assertThat(ids(second)).containsExactly("sample-promo");
        assertThat(second.path("total").asInt()).isEqualTo(3);
        assertThat(ids(getJson("/v1/catalog/templates?page=3&page_size=2"))).isEmpty();
    }

    @Test
    void theSearchMatchesPersianAsCustomersTypeItAndEnglish() throws Exception {
        // Arabic kaf and yeh as a customer's Arabic keyboard types them: the tag is کیک.
        assertThat(ids(getJson(q("كيك")))).containsExactly("happy-birthday");
        // The description has تخفیف‌های with a zero-width non-joiner: found without it, with a space, with it.
        assertThat(ids(getJson(q("تخفیفهای")))).containsExactly("sale-promo");
        assertThat(ids(getJson(q("تخفیف های")))).containsExactly("sale-promo");
        assertThat(ids(getJson(q("تخفیف\u200cهای")))).containsExactly("sale-promo");
        // "بادکنک‌ها" typed with Arabic kaf and no joiner.
        assertThat(ids(getJson(q("بادكنكها")))).containsExactly("happy-birthday");
        assertThat(ids(getJson(q("BIRTHDAY cake")))).containsExactly("happy-birthday");
        assertThat(ids(getJson(q("turning badge")))).containsExactly("sale-promo");
        assertThat(ids(getJson(q("کیک حراج")))).isEmpty();
        assertThat(PersianText.normalise("می\u200cشود  كتاب ۱۲۳")).isEqualTo("میشود کتاب 123");
        assertThat(PersianText.terms("می\u200cشود")).containsExactly("می", "شود");
    }

    @Test
    void badParametersAreRefusedNamingTheField() throws Exception {
        for (String[] bad : new String[][] {
            {"aspect=4:3", "aspect"},
            {"engine=blender", "engine"},
            {"lang=de", "lang"},
            {"page=0", "page"},
            {"page=abc", "page"},
            {"page_size=1000", "page_size"},
            {"category=Not%20an%20id", "category"},
            {"category=nowhere", "category"},
            {"q=" + "x".repeat(101), "q"}
        }) {
            JsonNode problem = getJson("/v1/catalog/templates?" + bad[0]);
            assertThat(problem.path("_status").asInt()).as(bad[0]).isEqualTo(400);
            assertThat(problem.path("errors").get(0).path("field").asText())
                    .as(bad[0])
                    .isEqualTo(bad[1]);
        }
    }

    @Test
    void theDetailHasWhatAFormNeeds() throws Exception {
        JsonNode detail = getJson("/v1/catalog/templates/happy-birthday?lang=en");
        assertThat(detail.path("_status").asInt()).isEqualTo(200);
        assertThat(detail.path("name").asText()).isEqualTo("Happy birthday");
        assertThat(detail.path("names").path("fa").asText()).isEqualTo("تولدت مبارک");
        assertThat(detail.path("category").path("name").asText()).isEqualTo("Celebration");
        assertThat(detail.path("fps").asInt()).isEqualTo(30);
        assertThat(detail.path("length_seconds").asDouble()).isEqualTo(5.0);
        JsonNode title = detail.path("bindings").get(0);
        assertThat(title.path("name").asText()).isEqualTo("title");
        assertThat(title.path("type").asText()).isEqualTo("text");
        assertThat(title.path("max_length").asInt()).isEqualTo(40);
        assertThat(title.path("labels").path("fa").asText()).isEqualTo("عنوان");
        assertThat(title.path("label").asText()).isEqualTo("Title");
        assertThat(title.path("defaults").path("fa").asText()).isEqualTo("تولدت مبارک");
        assertThat(title.path("default").asText()).isEqualTo("Happy birthday");
        JsonNode colour = detail.path("bindings").get(1);
        assertThat(colour.path("palette").toString()).isEqualTo("[\"#ff4081\",\"#7c4dff\"]");
        assertThat(detail.path("presets").get(0).path("values").path("primary").asText())
                .isEqualTo("#ff4081");
        assertThat(detail.path("scenes").get(0).path("fields").toString()).isEqualTo("[\"title\",\"primary\"]");
        List<String> aspects = new ArrayList<>();
        detail.path("aspects")
                .forEach(a -> aspects.add(a.path("aspect").asText() + " "
                        + a.path("width").asInt() + "x" + a.path("height").asInt() + " "
                        + a.path("cover_url").asText()));
        String wide =
                farm.template("happy-birthday").cover("16:9").orElseThrow().sha256();
        assertThat(aspects.get(0))
                .isEqualTo("16:9 1920x1080 /v1/catalog/templates/happy-birthday/covers/16x9?v=" + wide);
        assertThat(aspects.get(2)).isEqualTo("9:16 1080x1920 null");
        assertThat(detail.path("preview").path("frame_count").asInt()).isEqualTo(150);
        assertThat(detail.path("preview").path("url").asText())
                .startsWith("/v1/catalog/templates/happy-birthday/preview?v=");
        assertThat(getJson("/v1/catalog/templates/happy-birthday").path("name").asText())
                .isEqualTo("تولدت مبارک");
    }

    @Test
    void unknownTemplatesAspectsAndMissingMediaAreNotFoundNamingThem() throws Exception {
        JsonNode missing = getJson("/v1/catalog/templates/no-such-template");
        assertThat(missing.path("_status").asInt()).isEqualTo(404);
        assertThat(missing.path("detail").asText()).contains("no-such-template");
        JsonNode aspect = getJson("/v1/catalog/templates/happy-birthday/covers/4x3");
        assertThat(aspect.path("_status").asInt()).isEqualTo(404);
        assertThat(aspect.path("detail").asText()).contains("4x3");
        JsonNode notOffered = getJson("/v1/catalog/templates/sale-promo/covers/1x1");
        assertThat(notOffered.path("_status").asInt()).isEqualTo(404);
        assertThat(notOffered.path("detail").asText()).contains("1:1").contains("sale-promo");
        JsonNode noPreview = getJson("/v1/catalog/templates/sale-promo/preview");
        assertThat(noPreview.path("_status").asInt()).isEqualTo(404);
        assertThat(noPreview.path("detail").asText()).contains("preview");
        assertThat(getJson("/v1/catalog/templates/acme-intro/covers/1x1")
                        .path("_status")
                        .asInt())
                .isEqualTo(404);
    }

    @Test
    void coversAreServedWithTheirDigestAsETagAndA304WhenItMatches() throws Exception {
        TestingCatalogFarm.Media cover =
                farm.template("happy-birthday").cover("1:1").orElseThrow();
        HttpResponse<byte[]> pinned = get("/v1/catalog/templates/happy-birthday/covers/1x1?v=" + cover.sha256());
        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(pinned.body()).isEqualTo(farm.blobs.get(cover.sha256()));
        assertThat(pinned.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(pinned.headers().firstValue("ETag")).hasValue("\"" + cover.sha256() + "\"");
        assertThat(pinned.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        HttpResponse<byte[]> unpinned = get("/v1/catalog/templates/happy-birthday/covers/1:1");
        assertThat(unpinned.body()).isEqualTo(farm.blobs.get(cover.sha256()));
        assertThat(unpinned.headers().firstValue("Cache-Control")).hasValue("public, max-age=300, must-revalidate");
        int reads = farm.reads.get();
        HttpResponse<byte[]> fresh = get(
                "/v1/catalog/templates/happy-birthday/covers/1x1",
                "If-None-Match",
                "\"0000\", \"" + cover.sha256() + "\"");
        assertThat(fresh.statusCode()).isEqualTo(304);
        assertThat(fresh.body()).isEmpty();
        assertThat(farm.reads.get()).isEqualTo(reads);
        assertThat(get("/v1/catalog/templates/happy-birthday/covers/1x1", "If-None-Match", "\"other\"")
                        .statusCode())
                .isEqualTo(200);
        // A tenant's own template's media are private to it.
        HttpResponse<byte[]> own =
                get("/v1/catalog/templates/acme-intro/covers/1x1", "X-Test-Tenant", TestingCatalogFarm.ACME.toString());
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("private"));
    }

    @Test
    void aBlobTheFarmNoLongerHasIsAProblemNotAHalfAnswer() throws Exception {
        TestingCatalogFarm.Media cover =
                farm.template("happy-birthday").cover("16:9").orElseThrow();
        byte[] kept = farm.blobs.remove(cover.sha256());
        try {
            HttpResponse<byte[]> lost = get("/v1/catalog/templates/happy-birthday/covers/16x9");
            assertThat(lost.statusCode()).isEqualTo(404);
            assertThat(json.readTree(lost.body()).path("detail").asText()).contains(cover.sha256());
        } finally {
            farm.blobs.put(cover.sha256(), kept);
        }
    }

    @Test
    void thePreviewHonoursARange() throws Exception {
        TestingCatalogFarm.Media preview =
                farm.template("happy-birthday").preview().orElseThrow();
        byte[] bytes = farm.blobs.get(preview.sha256());
        HttpResponse<byte[]> whole = get("/v1/catalog/templates/happy-birthday/preview");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        HttpResponse<byte[]> part = get("/v1/catalog/templates/happy-birthday/preview", "Range", "bytes=100000-100009");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 100000, 100010));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100000-100009/" + bytes.length);
        HttpResponse<byte[]> tail = get("/v1/catalog/templates/happy-birthday/preview", "Range", "bytes=-5");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 5, bytes.length));
        assertThat(get("/v1/catalog/templates/happy-birthday/preview", "Range", "bytes=900000-")
                        .statusCode())
                .isEqualTo(416);
    }
}
