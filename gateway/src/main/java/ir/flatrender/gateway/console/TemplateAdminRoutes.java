package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AdminAudit;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.proto.farm.v1.ReviseTemplateRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.proto.farm.v1.TemplateCacheEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The console's templates admin: every template with its versions, engine and compositions per
 * aspect, and its catalog media; a package pushed from an upload (the zip is the body); hidden
 * from the catalog or shown again; revised (another engine, other compositions: a new version);
 * its covers and preview rendered again by the farm. Farm administrators only, every change
 * audited.
 */
public final class TemplateAdminRoutes {
    public static final String PATH = "/v1/admin/templates";

    static final Pattern TEMPLATE_ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,127}$");
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Set<String> ASPECTS = Set.of("16:9", "1:1", "9:16");

    private final Optional<ConsoleTemplates> farm;
    private final AdminAudit audit;
    private final ObjectMapper json;

    public TemplateAdminRoutes(Optional<ConsoleTemplates> farm, AdminAudit audit, ObjectMapper json) {
        this.farm = requireNonNull(farm, "farm is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Whether a request is a package upload, whose body is read up to its own, larger limit. */
    public static boolean isUpload(Context ctx) {
        return ctx.method() == HandlerType.POST && ctx.path().equals(PATH);
    }

    public void register(RouteTable routes) {
        routes.get(PATH, this::list);
        routes.post(PATH, this::push);
        routes.get(PATH + "/{templateId}", this::detail);
        routes.get(PATH + "/{templateId}/media/{sha256}", this::media);
        routes.post(PATH + "/{templateId}/visibility", this::visibility);
        routes.post(PATH + "/{templateId}/revise", this::revise);
        routes.post(PATH + "/{templateId}/media", this::renderMedia);
    }

    private ConsoleTemplates farm(Context ctx) {
        Callers.farmAdministrator(ctx);
        return farm.orElseThrow(() -> Problem.unavailable(
                "console not configured: this gateway has no console credential for the farm (flatrender nodes"
                        + " enroll-console NAME, then the gateway's --console-token)"));
    }

    private static String templateParam(Context ctx) {
        String id = ctx.pathParam("templateId");
        if (!TEMPLATE_ID.matcher(id).matches()) {
            throw Problem.notFound("template " + id);
        }
        return id;
    }

    private void list(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("templates");
        templates.current().forEach(template -> items.add(template(template)));
        ctx.json(out);
    }

    private void detail(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        String id = templateParam(ctx);
        List<Template> versions = templates.versions(id);
        Template current =
                versions.stream().filter(Template::getCurrent).findFirst().orElse(versions.get(0));
        ObjectNode out = json.createObjectNode();
        out.set("template", template(current));
        ArrayNode items = out.putArray("versions");
        versions.forEach(version -> items.add(template(version)));
        Optional<CatalogEntry> entry = templates.entry(current.getTenantId(), id);
        out.put("in_catalog", entry.isPresent());
        ArrayNode media = out.putArray("media");
        entry.ifPresent(e -> e.getMediaList().forEach(m -> media.add(media(id, current, m))));
        ctx.json(out);
    }

    /** A cover's or preview's bytes, for the console's page (hidden templates' too). */
    private void media(Context ctx) throws IOException {
        ConsoleTemplates templates = farm(ctx);
        String id = templateParam(ctx);
        String sha256 = ctx.pathParam("sha256");
        if (!SHA256.matcher(sha256).matches()) {
            throw Problem.notFound("media " + sha256);
        }
        Template current = templates.get(id, 0);
        CatalogMedia found = templates.entry(current.getTenantId(), id).stream()
                .flatMap(e -> e.getMediaList().stream())
                .filter(m -> m.getSha256().equals(sha256))
                .findFirst()
                .orElseThrow(() -> Problem.notFound("media " + sha256 + " of template " + id));
        ctx.contentType(found.getContentType());
        ctx.header("Content-Length", Long.toString(found.getSizeBytes()));
        ctx.header("Cache-Control", "private, max-age=31536000, immutable");
        templates.media(current.getTenantId(), sha256, ctx.res().getOutputStream());
    }

    /** The package's zip is the body ({@code Content-Type: application/zip}); {@code ?tenant=} pushes a tenant's own. */
    private void push(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/zip")
                && !type.startsWith("application/x-zip-compressed")
                && !type.startsWith("application/octet-stream")) {
            throw Problem.of(
                    415,
                    "unsupported-media-type",
                    "Send the package's zip itself",
                    "the body must be the template package's zip (Content-Type application/zip), not a form");
        }
        String tenant = Queries.text(ctx, "tenant", 36)
                .map(t -> {
                    try {
                        return UUID.fromString(t).toString();
                    } catch (IllegalArgumentException e) {
                        throw Queries.invalid("tenant", "is not a tenant id");
                    }
                })
                .orElse("");
        long declared = ctx.req().getContentLengthLong();
        if (declared > ConsoleTemplates.MAX_PACKAGE_BYTES) {
            throw ConsoleTemplates.tooLarge(declared);
        }
        PushTemplateResponse pushed;
        try (InputStream body = ctx.req().getInputStream()) {
            pushed = templates.push(body, declared, tenant);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the package", e);
        }
        Template template = pushed.getTemplate();
        ObjectNode details = json.createObjectNode()
                .put("version", template.getVersion())
                .put("created", pushed.getCreated())
                .put("package_sha256", template.getPackageSha256());
        audit(ctx, "template.pushed", template.getId(), details);
        ctx.status(pushed.getCreated() ? 201 : 200)
                .header("Location", PATH + "/" + template.getId())
                .json(json.createObjectNode()
                        .put("created", pushed.getCreated())
                        .set("template", template(template)));
    }

    private void visibility(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        String id = templateParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        JsonNode hidden = body.raw("hidden");
        if (hidden == null || !hidden.isBoolean()) {
            body.error("hidden", "must be true or false");
        }
        String reason = body.optionalString("reason", 500).orElse("");
        body.check();
        Template changed = templates.setHidden(id, hidden.asBoolean());
        audit(ctx, hidden.asBoolean() ? "template.hidden" : "template.shown", id, reason(reason));
        ctx.json(template(changed));
    }

    /** Another engine or other compositions per aspect: a new version from the one the operator saw. */
    private void revise(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        String id = templateParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json);
        int base = (int) body.positiveLong("base_version", Integer.MAX_VALUE);
        String engine = body.string("engine", 32);
        if (!engine.isEmpty() && !ConsoleRoutes.ENGINES.contains(engine)) {
            body.error("engine", "must be one of " + ConsoleRoutes.ENGINES);
        }
        ReviseTemplateRequest.Builder request = ReviseTemplateRequest.newBuilder()
                .setTemplateId(id)
                .setBaseVersion(base)
                .setEngine(engine);
        JsonNode aspects = body.raw("aspects");
        if (aspects != null && !aspects.isNull()) {
            if (!aspects.isArray()) {
                body.error("aspects", "must be an array of {aspect, composition}");
            } else {
                for (int i = 0; i < aspects.size(); i++) {
                    JsonNode item = aspects.get(i);
                    String aspect = item.path("aspect").asText("");
                    String composition = item.path("composition").asText("");
                    if (!ASPECTS.contains(aspect)) {
                        body.error("aspects[" + i + "].aspect", "must be one of " + ASPECTS);
                    } else if (composition.isBlank() || composition.length() > 100) {
                        // What a composition's name may be is the farm's to say (it names each fault).
                        body.error(
                                "aspects[" + i + "].composition", "must be a composition's name, 1 to 100 characters");
                    } else {
                        request.addAspects(
                                TemplateAspect.newBuilder().setAspect(aspect).setComposition(composition));
                    }
                }
            }
        }
        String reason = body.optionalString("reason", 500).orElse("");
        body.check();
        PushTemplateResponse revised = templates.revise(request.build());
        ObjectNode details = reason(reason)
                .put("base_version", base)
                .put("version", revised.getTemplate().getVersion())
                .put("engine", revised.getTemplate().getEngine());
        audit(ctx, "template.revised", id, details);
        ctx.status(revised.getCreated() ? 201 : 200)
                .json(json.createObjectNode()
                        .put("created", revised.getCreated())
                        .set("template", template(revised.getTemplate())));
    }

    /** The farm renders the current version's covers and preview again (or only what is missing). */
    private void renderMedia(Context ctx) {
        ConsoleTemplates templates = farm(ctx);
        String id = templateParam(ctx);
        boolean force = false;
        String reason = "";
        if (!ctx.body().isBlank()) {
            RequestBodies body = RequestBodies.read(ctx, json);
            JsonNode given = body.raw("force");
            if (given != null && !given.isNull() && !given.isBoolean()) {
                body.error("force", "must be true or false");
            }
            force = given != null && given.asBoolean(false);
            reason = body.optionalString("reason", 500).orElse("");
            body.check();
        }
        RenderCatalogMediaResponse started = templates.renderMedia(id, force);
        ObjectNode out = json.createObjectNode()
                .put("template_version", started.getTemplateVersion())
                .put("covers", started.getCovers())
                .put("preview", started.getPreview());
        ArrayNode jobs = out.putArray("job_ids");
        started.getJobIdsList().forEach(jobs::add);
        audit(
                ctx,
                "template.media_rendered",
                id,
                reason(reason).put("force", force).setAll(out.deepCopy()));
        ctx.status(202).json(out);
    }

    private ObjectNode reason(String reason) {
        ObjectNode details = json.createObjectNode();
        if (!reason.isEmpty()) {
            details.put("reason", reason);
        }
        return details;
    }

    private void audit(Context ctx, String action, String templateId, ObjectNode details) {
        Principal principal = Callers.principal(ctx);
        audit.record(principal, action, "template:" + templateId, details, AuditLog.Origin.of(ctx));
    }

    private ObjectNode template(Template template) {
        ObjectNode out = json.createObjectNode();
        out.put("id", template.getId());
        out.put("version", template.getVersion());
        out.put("current", template.getCurrent());
        out.put("tenant_id", template.getTenantId());
        out.put("hidden", template.getHidden());
        out.put("name_fa", template.getNameFa());
        out.put("name_en", template.getNameEn());
        out.put("engine", template.getEngine());
        ArrayNode engines = out.putArray("engines_available");
        template.getEnginesAvailableList().forEach(engines::add);
        out.put("fps", template.getFps());
        out.put("duration_frames", template.getDurationFrames());
        ArrayNode aspects = out.putArray("aspects");
        for (TemplateAspect aspect : template.getAspectsList()) {
            aspects.addObject()
                    .put("aspect", aspect.getAspect())
                    .put("width", aspect.getWidth())
                    .put("height", aspect.getHeight())
                    .put("composition", aspect.getComposition());
        }
        out.put("package_sha256", template.getPackageSha256());
        out.put("package_bytes", template.getPackageBytes());
        out.put("source_sha256", template.getSourceSha256());
        ConsoleJson.time(out, "created_at", template.hasCreatedAt(), template.getCreatedAt());
        ArrayNode cached = out.putArray("cached_on");
        for (TemplateCacheEntry entry : template.getCachedOnList()) {
            cached.addObject()
                    .put("node", entry.getNodeName())
                    .put("size_bytes", entry.getSizeBytes())
                    .put("hits", entry.getHits());
        }
        return out;
    }

    private ObjectNode media(String templateId, Template current, CatalogMedia media) {
        ObjectNode out = json.createObjectNode()
                .put("kind", media.getKind())
                .put("aspect", media.getAspect())
                .put("template_version", media.getTemplateVersion())
                .put("current", media.getTemplateVersion() == current.getVersion())
                .put("sha256", media.getSha256())
                .put("content_type", media.getContentType())
                .put("size_bytes", media.getSizeBytes())
                .put("width", media.getWidth())
                .put("height", media.getHeight())
                .put("url", PATH + "/" + templateId + "/media/" + media.getSha256());
        if (media.getKind().equals("preview")) {
            out.put("duration_millis", media.getDurationMillis()).put("frame_count", media.getFrameCount());
        }
        return out;
    }
}
