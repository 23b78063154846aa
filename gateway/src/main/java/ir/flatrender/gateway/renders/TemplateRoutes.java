package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.FarmAdmins;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.uploads.Uploads;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import java.io.IOException;
import java.util.regex.Pattern;

/** The template catalog and preview stills, as the farm answers them. */
public final class TemplateRoutes {
    static final Pattern ASPECT = Pattern.compile("^(16:9|1:1|9:16)$");

    private final FarmClient farm;
    private final Uploads uploads;
    private final ObjectMapper json;

    public TemplateRoutes(FarmClient farm, Uploads uploads, ObjectMapper json) {
        this.farm = requireNonNull(farm, "farm is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/templates", this::templates);
        routes.get("/v1/templates/{id}/thumbnail", this::thumbnail);
        routes.post("/v1/snapshots", this::snapshot);
    }

    private void templates(Context ctx) {
        Callers.principal(ctx).requireScope("renders:read");
        ArrayNode out = json.createArrayNode();
        for (Template template : farm.listTemplates()) {
            ObjectNode node = out.addObject();
            node.put("id", template.getId());
            node.put("version", template.getVersion());
            node.putObject("name").put("en", template.getNameEn()).put("fa", template.getNameFa());
            node.put("engine", template.getEngine());
            node.put("fps", template.getFps());
            node.put("duration_frames", template.getDurationFrames());
            node.put("length_seconds", template.getDurationFrames() / (double) template.getFps());
            ArrayNode aspects = node.putArray("aspects");
            template.getAspectsList()
                    .forEach(a -> aspects.addObject()
                            .put("aspect", a.getAspect())
                            .put("width", a.getWidth())
                            .put("height", a.getHeight()));
            try {
                node.set("bindings", json.readTree(template.getBindingsJson()));
            } catch (IOException e) {
                node.putArray("bindings");
            }
            // A still of the middle frame at 360p, rendered once and cached by the farm.
            node.put("thumbnail_url", "/v1/templates/" + template.getId() + "/thumbnail");
        }
        ctx.json(json.createObjectNode().set("templates", out));
    }

    private void snapshot(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:write");
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String aspect = body.string("aspect", 5, ASPECT, "16:9, 1:1 or 9:16");
        ObjectNode bindings = body.bindings("bindings");
        int frame = body.optionalInt("frame", 0, 1_000_000, 0);
        body.check();
        Snapshot snapshot = farm.snapshot(RenderSnapshotRequest.newBuilder()
                .setTenantId(principal.tenantId().toString())
                .setTemplateId(templateId)
                .setAspect(aspect)
                .setBindings(GrpcRenderFarm.struct(uploads.resolve(principal.tenantId(), bindings)))
                .setFrame(frame)
                .setTier("720p")
                .setFormat("jpeg")
                .build());
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.header("ETag", "\"" + snapshot.getCacheKey() + "\"");
        ctx.contentType("image/jpeg").result(snapshot.getImage().toByteArray());
    }

    /**
     * A catalog thumbnail: the template's middle frame at 360p with its default bindings, in
     * 16:9 when it has it. Public, like the catalog's names; the farm renders it once and caches it.
     */
    private void thumbnail(Context ctx) {
        String id = ctx.pathParam("id");
        Template template = farm.template(id).orElseThrow(() -> Problem.notFound("template " + id));
        String aspect = template.getAspectsList().stream()
                .map(TemplateAspect::getAspect)
                .filter("16:9"::equals)
                .findFirst()
                .orElse(
                        template.getAspectsCount() == 0
                                ? "16:9"
                                : template.getAspects(0).getAspect());
        Snapshot snapshot = farm.snapshot(RenderSnapshotRequest.newBuilder()
                .setTenantId(FarmAdmins.DEFAULT_TENANT.toString())
                .setTemplateId(id)
                .setAspect(aspect)
                .setFrame(template.getDurationFrames() / 2)
                .setTier("360p")
                .setFormat("jpeg")
                .build());
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.header("ETag", "\"" + snapshot.getCacheKey() + "\"");
        ctx.contentType("image/jpeg").result(snapshot.getImage().toByteArray());
    }
}
