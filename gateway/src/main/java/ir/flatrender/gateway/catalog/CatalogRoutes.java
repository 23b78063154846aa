package ir.flatrender.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Principal;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template catalog over HTTP. Public: without credentials a caller sees the shared
 * catalog (the pack); with an access token or API key, its tenant's own templates as well
 * (such answers are {@code Cache-Control: private}). Covers and previews are served from the
 * farm's blob store as they stream in; their URLs name the blob's sha256 ({@code ?v=}), so an
 * answer to a URL naming the current digest is cacheable for a year, and every answer carries
 * the digest as its {@code ETag}.
 */
public final class CatalogRoutes {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
    private static final String IMMUTABLE = "max-age=31536000, immutable";

    private final CatalogService catalog;
    private final Function<Context, Optional<Principal>> principal;
    private final ObjectMapper json;

    /** @param principal the request's authenticated caller, if any */
    public CatalogRoutes(CatalogService catalog, Function<Context, Optional<Principal>> principal, ObjectMapper json) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.principal = requireNonNull(principal, "principal is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/catalog/categories", this::categories);
        routes.get("/v1/catalog/templates", this::templates);
        routes.get("/v1/catalog/templates/{id}", this::template);
        routes.get("/v1/catalog/templates/{id}/covers/{aspect}", this::cover);
        routes.get("/v1/catalog/templates/{id}/preview", this::preview);
    }

    private UUID tenant(Context ctx) {
        Optional<Principal> caller = principal.apply(ctx);
        ctx.header("Vary", "Authorization, X-Api-Key");
        return caller.map(Principal::tenantId).orElse(CatalogService.SHARED_TENANT);
    }

    private static String visibility(UUID tenant) {
        return tenant.equals(CatalogService.SHARED_TENANT) ? "public" : "private";
    }

    private static String lang(Context ctx) {
        return CatalogService.Query.of(null, null, null, null, ctx.queryParam("lang"), null, null)
                .lang();
    }

    private void categories(Context ctx) {
        UUID tenant = tenant(ctx);
        String lang = lang(ctx);
        ArrayNode out = json.createArrayNode();
        for (CatalogFarm.Category category : catalog.categories(tenant)) {
            out.addObject()
                    .put("id", category.id())
                    .put("name", lang.equals("en") ? category.nameEn() : category.nameFa())
                    .set(
                            "names",
                            json.createObjectNode().put("fa", category.nameFa()).put("en", category.nameEn()));
        }
        ctx.header("Cache-Control", visibility(tenant) + ", max-age=60");
        ctx.json(json.createObjectNode().set("categories", out));
    }

    private void templates(Context ctx) {
        CatalogService.Query query = CatalogService.Query.of(
                ctx.queryParam("category"),
                ctx.queryParam("aspect"),
                ctx.queryParam("engine"),
                ctx.queryParam("q"),
                ctx.queryParam("lang"),
                ctx.queryParam("page"),
                ctx.queryParam("page_size"));
        UUID tenant = tenant(ctx);
        CatalogService.Page page = catalog.find(tenant, query);
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("templates");
        for (CatalogFarm.Template template : page.templates()) {
            summary(items.addObject(), template, page.categories(), query.lang());
        }
        out.put("page", query.page()).put("page_size", query.pageSize()).put("total", page.total());
        ctx.header("Cache-Control", visibility(tenant) + ", max-age=60");
        ctx.json(out);
    }

    private static String pick(String lang, String fa, String en) {
        return lang.equals("en") ? (en.isEmpty() ? fa : en) : (fa.isEmpty() ? en : fa);
    }

    static String aspectPath(String aspect) {
        return aspect.replace(':', 'x');
    }

    private void summary(
            ObjectNode node, CatalogFarm.Template template, List<CatalogFarm.Category> categories, String lang) {
        node.put("id", template.id());
        node.put("version", template.version());
        node.put("name", pick(lang, template.nameFa(), template.nameEn()));
        node.put("description", pick(lang, template.descriptionFa(), template.descriptionEn()));
        ArrayNode tags = node.putArray("tags");
        (lang.equals("en") && !template.tagsEn().isEmpty() ? template.tagsEn() : template.tagsFa()).forEach(tags::add);
        ObjectNode category = node.putObject("category").put("id", template.categoryId());
        categories.stream()
                .filter(c -> c.id().equals(template.categoryId()))
                .findFirst()
                .ifPresent(c -> category.put("name", pick(lang, c.nameFa(), c.nameEn())));
        node.put("engine", template.engine());
        node.put("fps", template.fps());
        node.put("duration_frames", template.durationFrames());
        node.put("length_seconds", template.durationFrames() / (double) template.fps());
        ArrayNode aspects = node.putArray("aspects");
        for (CatalogFarm.Aspect aspect : template.aspects()) {
            ObjectNode a = aspects.addObject()
                    .put("aspect", aspect.aspect())
                    .put("width", aspect.width())
                    .put("height", aspect.height());
            Optional<CatalogFarm.Media> cover = template.cover(aspect.aspect());
            a.put("cover_url", cover.map(m -> coverUrl(template, m)).orElse(null));
        }
        Optional<CatalogFarm.Media> preview = template.preview();
        node.put("preview_url", preview.map(m -> previewUrl(template, m)).orElse(null));
    }

    private static String coverUrl(CatalogFarm.Template template, CatalogFarm.Media media) {
        return "/v1/catalog/templates/" + template.id() + "/covers/" + aspectPath(media.aspect()) + "?v="
                + media.sha256();
    }

    private static String previewUrl(CatalogFarm.Template template, CatalogFarm.Media media) {
        return "/v1/catalog/templates/" + template.id() + "/preview?v=" + media.sha256();
    }

    private void template(Context ctx) {
        String lang = lang(ctx);
        UUID tenant = tenant(ctx);
        String id = ctx.pathParam("id");
        CatalogFarm.Template template = catalog.template(tenant, id);
        ObjectNode node = json.createObjectNode();
        summary(node, template, catalog.categories(tenant), lang);
        node.set("names", json.createObjectNode().put("fa", template.nameFa()).put("en", template.nameEn()));
        node.set(
                "descriptions",
                json.createObjectNode().put("fa", template.descriptionFa()).put("en", template.descriptionEn()));
        ObjectNode allTags = node.putObject("all_tags");
        template.tagsFa().forEach(allTags.putArray("fa")::add);
        template.tagsEn().forEach(allTags.putArray("en")::add);
        ArrayNode bindings = node.putArray("bindings");
        ArrayNode scenes = node.putArray("scenes");
        for (CatalogFarm.Scene scene : template.scenes()) {
            ObjectNode s = scenes.addObject()
                    .put("position", scene.position())
                    .put("name", pick(lang, scene.nameFa(), scene.nameEn()))
                    .put("start_frame", scene.startFrame())
                    .put("duration_frames", scene.durationFrames());
            ArrayNode fields = s.putArray("fields");
            for (CatalogFarm.Field field : scene.fields()) {
                fields.add(field.name());
                bindings.add(field(field, lang));
            }
        }
        ArrayNode presets = node.putArray("presets");
        for (CatalogFarm.Preset preset : template.presets()) {
            ObjectNode p = presets.addObject()
                    .put("name", pick(lang, preset.nameFa(), preset.nameEn()))
                    .set(
                            "names",
                            json.createObjectNode().put("fa", preset.nameFa()).put("en", preset.nameEn()));
            ObjectNode values = p.putObject("values");
            new java.util.TreeMap<>(preset.colors()).forEach(values::put);
        }
        ArrayNode covers = node.putArray("covers");
        for (CatalogFarm.Media media : template.media()) {
            ObjectNode m = media.kind().equals("preview") ? node.putObject("preview") : covers.addObject();
            m.put("url", media.kind().equals("preview") ? previewUrl(template, media) : coverUrl(template, media))
                    .put("aspect", media.aspect())
                    .put("width", media.width())
                    .put("height", media.height())
                    .put("content_type", media.contentType())
                    .put("size_bytes", media.sizeBytes())
                    .put("sha256", media.sha256())
                    .put("template_version", media.templateVersion());
            if (media.kind().equals("preview")) {
                m.put("duration_seconds", media.durationMillis() / 1000.0).put("frame_count", media.frameCount());
            }
        }
        if (!node.has("preview")) {
            node.putNull("preview");
        }
        ctx.header("Cache-Control", visibility(tenant) + ", max-age=60");
        ctx.json(node);
    }

    private ObjectNode field(CatalogFarm.Field field, String lang) {
        ObjectNode f = json.createObjectNode()
                .put("name", field.name())
                .put("type", field.type())
                .put("label", pick(lang, field.labelFa(), field.labelEn()))
                .put("required", field.required());
        f.set("labels", json.createObjectNode().put("fa", field.labelFa()).put("en", field.labelEn()));
        field.minLength().ifPresent(v -> f.put("min_length", v));
        field.maxLength().ifPresent(v -> f.put("max_length", v));
        field.min().ifPresent(v -> f.put("min", v));
        field.max().ifPresent(v -> f.put("max", v));
        ObjectNode defaults = f.putObject("defaults");
        field.defaultFa().ifPresent(v -> defaults.set("fa", v));
        field.defaultEn().ifPresent(v -> defaults.set("en", v));
        Optional.ofNullable(lang.equals("en") ? defaults.get("en") : defaults.get("fa"))
                .or(() -> Optional.ofNullable(defaults.get("fa")))
                .ifPresent(v -> f.set("default", v));
        if (!field.palette().isEmpty()) {
            field.palette().forEach(f.putArray("palette")::add);
        }
        return f;
    }

    private void cover(Context ctx) throws IOException {
        UUID tenant = tenant(ctx);
        CatalogFarm.Media media = catalog.cover(tenant, ctx.pathParam("id"), ctx.pathParam("aspect"));
        serve(ctx, tenant, media, false);
    }

    private void preview(Context ctx) throws IOException {
        UUID tenant = tenant(ctx);
        CatalogFarm.Media media = catalog.preview(tenant, ctx.pathParam("id"));
        serve(ctx, tenant, media, true);
    }

    /** The blob's bytes with its digest as ETag; a video honours one byte range (206). */
    private void serve(Context ctx, UUID tenant, CatalogFarm.Media media, boolean ranges) throws IOException {
        String etag = "\"" + media.sha256() + "\"";
        boolean pinned = media.sha256().equals(ctx.queryParam("v"));
        ctx.res().setHeader("ETag", etag);
        ctx.res()
                .setHeader(
                        "Cache-Control",
                        visibility(tenant) + ", " + (pinned ? IMMUTABLE : "max-age=300, must-revalidate"));
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && matches(ifNoneMatch, media.sha256())) {
            ctx.status(304);
            return;
        }
        long total = media.sizeBytes();
        long start = 0;
        long end = total - 1;
        boolean partial = false;
        String range = ranges ? ctx.header("Range") : null;
        if (ranges) {
            ctx.res().setHeader("Accept-Ranges", "bytes");
        }
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
            if (ok) {
                if (m.group(1).isEmpty()) {
                    start = Math.max(0, total - position(m.group(2)));
                } else {
                    start = position(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        end = Math.min(total - 1, position(m.group(2)));
                    }
                }
                ok = start <= end && start < total;
            }
            if (!ok) {
                ctx.header("Content-Range", "bytes */" + total);
                throw Problem.of(
                        416, "range-not-satisfiable", "Range not satisfiable", "the file has " + total + " bytes");
            }
            partial = true;
        }
        long length = end - start + 1;
        ctx.res().setStatus(partial ? 206 : 200);
        ctx.res().setContentType(media.contentType());
        ctx.res().setHeader("Content-Length", Long.toString(length));
        if (partial) {
            ctx.res().setHeader("Content-Range", "bytes " + start + "-" + end + "/" + total);
        }
        OutputStream out = ctx.res().getOutputStream();
        try {
            catalog.copy(tenant, media, start, length, out);
            out.flush();
        } catch (IOException e) {
            // The client went away.
        } catch (Problem e) {
            // The farm refused before a byte was sent: the problem is answered instead, without
            // the file's headers.
            if (!ctx.res().isCommitted()) {
                ctx.res().reset();
            }
            throw e;
        }
    }

    private static boolean matches(String ifNoneMatch, String sha256) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || t.equals("\"" + sha256 + "\"") || t.equals("W/\"" + sha256 + "\"")) {
                return true;
            }
        }
        return false;
    }

    private static long position(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
