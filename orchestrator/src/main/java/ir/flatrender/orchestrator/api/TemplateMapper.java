package ir.flatrender.orchestrator.api;

import com.google.protobuf.Timestamp;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.nodes.CacheEntryRow;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.RenderPackages;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplateRevisions;
import ir.flatrender.orchestrator.templates.TemplateStatus;
import ir.flatrender.orchestrator.templates.TemplateVersionRow;
import ir.flatrender.proto.farm.v1.ReviseTemplateRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.proto.farm.v1.TemplateCacheEntry;
import java.time.Instant;
import java.util.List;

/** Converts templates between the domain and the wire. */
final class TemplateMapper {
    private TemplateMapper() {}

    /**
     * @param status the template's, read with or after the version: whether this version is
     *     current and whether the template is hidden
     */
    static Template toProto(InstalledTemplate template, TemplateStatus status, List<CacheEntryRow> holders) {
        TemplateVersionRow row = template.row();
        Template.Builder proto = Template.newBuilder()
                .setId(row.templateId())
                .setVersion(row.version())
                .setCurrent(status.isCurrent(template))
                .setHidden(status.hidden())
                .setTenantId(row.tenantId().toString())
                .addAllEnginesAvailable(
                        RenderPackages.enginesAvailable(template.manifest().raw(), template.files()::contains))
                .setNameEn(template.manifest().name().en())
                .setNameFa(template.manifest().name().fa())
                .setEngine(row.engine())
                .setFps(row.fps())
                .setDurationFrames(row.durationFrames())
                .setBindingsJson(TemplateCatalog.bindingsSchema(template).toString())
                .setPackageSha256(row.packageSha256())
                .setPackageBytes(row.packageBytes())
                .setRenderSha256(row.renderSha256())
                .setRenderBytes(row.renderBytes())
                .setSourceSha256(row.sourceSha256())
                .setCreatedAt(timestamp(row.createdAt()));
        template.manifest()
                .aspects()
                .forEach((aspect, size) -> proto.addAspects(TemplateAspect.newBuilder()
                        .setAspect(aspect)
                        .setWidth(size.width())
                        .setHeight(size.height())
                        .setComposition(size.composition()
                                .or(() -> template.manifest().composition())
                                .orElse(""))));
        for (CacheEntryRow holder : holders) {
            TemplateCacheEntry.Builder entry = TemplateCacheEntry.newBuilder()
                    .setNodeName(holder.nodeName())
                    .setSizeBytes(holder.sizeBytes())
                    .setHits(holder.hits());
            if (holder.lastUsedAt() != null) {
                entry.setLastUsedAt(timestamp(holder.lastUsedAt()));
            }
            proto.addCachedOn(entry);
        }
        return proto.build();
    }

    /** A revision as asked; the template id checked already. Sizes in the aspects are not read (they are kept). */
    static TemplateRevisions.Revision revision(String templateId, ReviseTemplateRequest request) {
        if (request.getBaseVersion() < 1) {
            throw FarmException.invalid("base_version", "is required: the version the change was made to (1 or more)");
        }
        return new TemplateRevisions.Revision(
                templateId,
                request.getBaseVersion(),
                request.getEngine().strip(),
                request.getAspectsList().stream()
                        .map(aspect ->
                                new TemplateRevisions.AspectComposition(aspect.getAspect(), aspect.getComposition()))
                        .toList());
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
