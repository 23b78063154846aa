package ir.flatrender.gateway.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app as the gateway serves it, from a fixture build on the test classpath
 * ({@code site-fixture/site}, with {@code site-fixture/secret.txt} beside it to reach for):
 * caching, the pages' fallback to index.html, security headers, API paths untouched, no way out
 * of the folder, and {@code GET /v1/site}. The orchestrator is never called: its address is
 * one nobody listens on.
 */
class SiteTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant LAUNCH = Instant.parse("2099-03-21T00:00:00Z");
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Gateway withSite;
    private static Gateway withoutSite;

    @BeforeAll
    static void start() {
        withSite = start(config("site-fixture/site", Optional.of(LAUNCH)));
        withoutSite = start(config("no/such/site", Optional.of(Instant.parse("2020-01-01T00:00:00Z"))));
    }

    @AfterAll
    static void stop() {
        if (withoutSite != null) {
            withoutSite.close();
        }
        if (withSite != null) {
            withSite.close();
        }
    }

    private static GatewayConfig config(String root, Optional<Instant> comingSoon) {
        return GatewayConfig.builder("127.0.0.1:1", "farm token", AccessTokens.generateKeys(), SecretBox.generateKey())
                .listen("127.0.0.1", 0)
                .siteClasspathRoot(root)
                .comingSoon(comingSoon)
                .build();
    }

    private static Gateway start(GatewayConfig config) {
        return Gateway.startMigrated(config, postgres.database(), JSON);
    }

    private static HttpResponse<String> get(Gateway gateway, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The request line exactly as written, which no HTTP client library would send. */
    private static String raw(Gateway gateway, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void hashedAssetsAreCachedForAYearAndPagesAreRevalidated() throws Exception {
        HttpResponse<String> asset = get(withSite, "/assets/index-Ab12_cD3.js");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).contains("the site fixture");
        assertThat(header(asset, "Content-Type")).startsWith("text/javascript");
        assertThat(header(asset, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(header(asset, "X-Content-Type-Options")).isEqualTo("nosniff");

        for (String path : List.of("/", "/index.html")) {
            HttpResponse<String> index = get(withSite, path);
            assertThat(index.statusCode()).as(path).isEqualTo(200);
            assertThat(index.body()).as(path).contains("the site fixture's index");
            assertThat(header(index, "Content-Type")).as(path).startsWith("text/html");
            assertThat(header(index, "Cache-Control")).as(path).isEqualTo("no-cache");
        }
        HttpResponse<String> icon = get(withSite, "/favicon.svg");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(header(icon, "Content-Type")).isEqualTo("image/svg+xml");
        assertThat(header(icon, "Cache-Control")).isEqualTo("no-cache");
        assertThat(get(withSite, "/brand/logo.svg").body()).contains("width=\"2\"");
    }

    @Test
    void everyOtherPagePathAnswersTheAppsIndexWithItsSecurityHeaders() throws Exception {
        for (String path : List.of(
                "/templates/x",
                "/checkout/return?flatpay_id=1&flatpay_status=paid",
                "/account/keys",
                "/templates/%D8%AA%D9%88%D9%84%D8%AF",
                "/brand")) {
            HttpResponse<String> page = get(withSite, path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains("the site fixture's index");
            assertThat(header(page, "Content-Type")).as(path).startsWith("text/html");
            assertThat(header(page, "Cache-Control")).as(path).isEqualTo("no-cache");
            assertThat(header(page, "Content-Security-Policy"))
                    .as(path)
                    .isEqualTo(SiteRoutes.CONTENT_SECURITY_POLICY)
                    .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'");
            assertThat(header(page, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(header(page, "Referrer-Policy")).as(path).isEqualTo("same-origin");
        }
    }

    @Test
    void apiPathsAndMissingAssetsAreProblemsNotPages() throws Exception {
        for (String path : List.of("/v1/nope", "/v1", "/callback/nope", "/assets/missing-0000.js", "/assets/")) {
            HttpResponse<String> answer = get(withSite, path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(header(answer, "Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(JSON.readTree(answer.body()).path("status").asInt())
                    .as(path)
                    .isEqualTo(404);
        }
        assertThat(get(withSite, "/healthz").body()).contains("ok");
    }

    @Test
    void nothingOutsideTheSiteFolderCanBeReached() throws Exception {
        for (String path : List.of(
                "/assets/../../secret.txt",
                "/assets/../secret.txt",
                "/../secret.txt",
                "/assets/..%2f..%2fsecret.txt",
                "/assets/%2e%2e/%2e%2e/secret.txt",
                "/%2e%2e/secret.txt",
                "/assets/%252e%252e/%252e%252e/secret.txt",
                "/assets/..%5c..%5csecret.txt",
                "/assets/..\\..\\secret.txt",
                "/assets//../../secret.txt",
                "/site-fixture/secret.txt",
                "/assets/.%2e/.%2e/secret.txt")) {
            String answer = raw(withSite, path);
            assertThat(answer).as(path).doesNotContain("SECRET").matches("(?s)HTTP/1.1 (200|400|404) .*");
        }
    }

    @Test
    void theSiteSaysWhetherTheComingSoonOverlayIsUp() throws Exception {
        HttpResponse<String> soon = get(withSite, "/v1/site");
        assertThat(soon.statusCode()).isEqualTo(200);
        assertThat(header(soon, "Cache-Control")).isEqualTo("no-cache");
        assertThat(JSON.readTree(soon.body()))
                .isEqualTo(JSON.readTree("{\"coming_soon\": {\"launch_at\": \"2099-03-21T00:00:00Z\"}}"));

        // The launch has passed: open.
        HttpResponse<String> open = get(withoutSite, "/v1/site");
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(open.body())).isEqualTo(JSON.readTree("{\"coming_soon\": null}"));

        JsonNode documented = JSON.readTree(get(withSite, "/openapi.json").body());
        assertThat(documented.path("paths").path("/v1/site").has("get")).isTrue();
        assertThat(withSite.routes()).contains(new RouteTable.Route("get", "/v1/site"));
        assertThat(withSite.routes()).noneMatch(route -> route.path().contains("*"));
    }

    /**
     * The real build, where the classpath holds it (web/'s Maven module ran): its index.html
     * loads its code from files under /assets/ that are there, so the caching rule fits it.
     */
    @Test
    void theWebAppsOwnBuildLoadsItsCodeFromAssets() {
        SiteFiles real = new SiteFiles(SiteTest.class.getClassLoader(), GatewayConfig.Site.WEB_APP);
        assumeTrue(real.present(), "the web app was not built (-Dflatrender.web.skip)");
        String index = new String(real.read("index.html").orElseThrow().bytes(), StandardCharsets.UTF_8);
        Matcher scripts = Pattern.compile("(?:src|href)=\"/assets/([^\"]+)\"").matcher(index);
        int found = 0;
        while (scripts.find()) {
            assertThat(real.read("assets/" + scripts.group(1)))
                    .as(scripts.group(1))
                    .isPresent();
            found++;
        }
        assertThat(found).as(index).isPositive();
    }

    @Test
    void aGatewayBuiltWithoutTheAppAnswersItsPagesWithAProblem() throws Exception {
        for (String path : List.of("/", "/templates/x")) {
            HttpResponse<String> answer = get(withoutSite, path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(header(answer, "Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(JSON.readTree(answer.body()).path("type").asText())
                    .as(path)
                    .endsWith("no-web-app");
        }
        assertThat(get(withoutSite, "/healthz").statusCode()).isEqualTo(200);
    }
}
