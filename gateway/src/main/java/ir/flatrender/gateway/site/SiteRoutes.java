package ir.flatrender.gateway.site;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RouteTable;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The web app beside the API: {@code GET /v1/site} (what the app asks before it shows anything:
 * the coming-soon overlay), its files, and every other page path answered with its index.html
 * for the app's own router.
 *
 * <p>A GET whose path is not the API's ({@link #isApi}) is a page: a file of the build when one
 * is there under that name (hashed files under {@code /assets/} cached for a year, the rest
 * revalidated every time), else index.html — but a missing file under {@code /assets/} is a 404,
 * not a page. API paths no route took stay the problem+json 404 they were.
 */
public final class SiteRoutes {
    /** The app loads nothing from elsewhere; inline styles are React's {@code style} attributes. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self';"
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:;"
            + " font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    static final String ASSETS = "/assets/";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    private final SiteFiles files;
    private final Optional<Instant> comingSoon;
    private final Clock clock;
    private final ObjectMapper json;

    /**
     * Serves the build under {@code classpathRoot} of {@code loader}; until {@code comingSoon}
     * (when present) the app shows its overlay.
     */
    public SiteRoutes(
            ClassLoader loader, String classpathRoot, Optional<Instant> comingSoon, Clock clock, ObjectMapper json) {
        this.files = new SiteFiles(loader, classpathRoot);
        this.comingSoon = requireNonNull(comingSoon, "comingSoon is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Whether the classpath holds the web app (logged at start). */
    public boolean present() {
        return files.present();
    }

    /** Whether {@code path} is the API's: no page is ever answered there. */
    public static boolean isApi(String path) {
        return under(path, "/v1")
                || under(path, "/callback")
                || path.equals("/healthz")
                || path.equals("/openapi.json")
                || path.equals("/metrics");
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/site", this::site);
    }

    /**
     * The pages: every GET no route took. Registered after every route (the first registered
     * route that matches a path answers it) and outside the route table, as it is no API route.
     */
    public void registerPages(RoutesConfig routes) {
        routes.get("/", this::page);
        routes.get("/*", this::page);
    }

    /**
     * {@code {"coming_soon": {"launch_at": "…"}}} until the launch, {@code {"coming_soon": null}}
     * once it has passed or when there is none.
     */
    private void site(Context ctx) {
        ObjectNode body = json.createObjectNode();
        Optional<Instant> upcoming = comingSoon.filter(at -> clock.instant().isBefore(at));
        if (upcoming.isPresent()) {
            body.putObject("coming_soon").put("launch_at", upcoming.get().toString());
        } else {
            body.putNull("coming_soon");
        }
        ctx.header("Cache-Control", REVALIDATE).json(body);
    }

    private void page(Context ctx) {
        String path = ctx.path();
        if (isApi(path)) {
            throw Problem.notFound(ctx.method() + " " + path);
        }
        String relative = path.substring(1);
        Optional<SiteFiles.File> file = relative.isEmpty() ? Optional.empty() : files.read(relative);
        String caching = path.startsWith(ASSETS) ? IMMUTABLE : REVALIDATE;
        if (file.isEmpty() && path.startsWith(ASSETS)) {
            throw Problem.notFound("the web app's file " + path);
        }
        if (file.isEmpty()) {
            file = files.read("index.html");
            caching = REVALIDATE;
        }
        if (file.isEmpty()) {
            throw Problem.of(
                    404,
                    "no-web-app",
                    "No web app here",
                    "this gateway was built without the web app (flatrender-web); its API is under /v1");
        }
        ctx.header("Cache-Control", caching)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .contentType(file.get().contentType())
                .result(file.get().bytes());
    }
}
