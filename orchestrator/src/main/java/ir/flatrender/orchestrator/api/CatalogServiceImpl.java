package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.catalog.CatalogMediaRenders;
import ir.flatrender.orchestrator.catalog.CatalogRows;
import ir.flatrender.orchestrator.catalog.TemplateCatalogView;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.server.Caller;
import ir.flatrender.orchestrator.storage.BlobStreamer;
import ir.flatrender.orchestrator.templates.TemplateManifestParser;
import ir.flatrender.proto.farm.v1.CatalogCategory;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogField;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogMediaData;
import ir.flatrender.proto.farm.v1.CatalogScene;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.ColorPreset;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.ListCatalogRequest;
import ir.flatrender.proto.farm.v1.ListCatalogResponse;
import ir.flatrender.proto.farm.v1.ReadCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.proto.farm.v1.SetCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The catalog over gRPC: reads for the tenant a call names (a gateway's call is bound to it by
 * the caller interceptor; an operator's empty tenant reads the shared view), media linked by
 * operators only (the interceptor keeps gateways off {@code SetCatalogMedia}), and rendered by
 * the farm itself on an operator's (or the console's) word ({@code RenderCatalogMedia}, {@link
 * CatalogMediaRenders}).
 */
public final class CatalogServiceImpl extends CatalogServiceGrpc.CatalogServiceImplBase {
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    private final TemplateCatalogView catalog;
    private final BlobStreamer streamer;
    private final CatalogMediaRenders renders;

    public CatalogServiceImpl(TemplateCatalogView catalog, BlobStreamer streamer, CatalogMediaRenders renders) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.streamer = requireNonNull(streamer, "streamer is null");
        this.renders = requireNonNull(renders, "renders is null");
    }

    private static UUID tenant(String tenantId) {
        if (tenantId.isBlank()) {
            return TemplateCatalogView.SHARED_TENANT;
        }
        try {
            return UUID.fromString(tenantId.strip());
        } catch (IllegalArgumentException e) {
            throw FarmException.invalid("tenant_id", "is not a UUID");
        }
    }

    private static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            observer.onError(StatusMapper.toStatus(e));
            return;
        }
        observer.onNext(answer);
        observer.onCompleted();
    }

    @Override
    public void listCatalog(ListCatalogRequest request, StreamObserver<ListCatalogResponse> observer) {
        unary(observer, () -> {
            CatalogRows.Catalog found = catalog.list(tenant(request.getTenantId()));
            ListCatalogResponse.Builder response = ListCatalogResponse.newBuilder();
            for (CatalogRows.Category category : found.categories()) {
                response.addCategories(CatalogCategory.newBuilder()
                        .setId(category.id())
                        .setNameFa(category.nameFa())
                        .setNameEn(category.nameEn())
                        .setPosition(category.position()));
            }
            found.entries().forEach(entry -> response.addEntries(toProto(entry)));
            return response.build();
        });
    }

    @Override
    public void getCatalogEntry(GetCatalogEntryRequest request, StreamObserver<CatalogEntry> observer) {
        unary(observer, () -> {
            if (request.getTemplateId().isBlank()) {
                throw FarmException.invalid("template_id", "is required");
            }
            // The operators (not a tenant's gateway) see a hidden template's entry, to manage it.
            boolean operator = Caller.current()
                    .map(c -> c.role() == Caller.Role.OPERATOR || c.role() == Caller.Role.CONSOLE)
                    .orElse(false);
            return toProto(catalog.get(tenant(request.getTenantId()), request.getTemplateId(), operator));
        });
    }

    @Override
    public void readCatalogMedia(ReadCatalogMediaRequest request, StreamObserver<CatalogMediaData> observer) {
        try {
            if (!SHA256.matcher(request.getSha256()).matches()) {
                throw FarmException.invalid("sha256", "must be 64 lower-case hex digits");
            }
            CatalogRows.Media media = catalog.media(tenant(request.getTenantId()), request.getSha256());
            streamer.stream(
                    catalog.blobs(),
                    media.blobKey(),
                    request.getOffset(),
                    request.getLength(),
                    (ServerCallStreamObserver<CatalogMediaData>) observer,
                    (offset, data, total) -> CatalogMediaData.newBuilder()
                            .setOffset(offset)
                            .setData(data)
                            .setTotalSize(total)
                            .build());
        } catch (RuntimeException e) {
            observer.onError(StatusMapper.toStatus(e));
        }
    }

    @Override
    public void setCatalogMedia(SetCatalogMediaRequest request, StreamObserver<CatalogMedia> observer) {
        unary(observer, () -> {
            if (request.getTemplateId().isBlank()) {
                throw FarmException.invalid("template_id", "is required");
            }
            if (request.getTemplateVersion() <= 0) {
                throw FarmException.invalid("template_version", "must be a version (1 or more)");
            }
            CatalogRows.Media media = switch (request.getSourceCase()) {
                case SNAPSHOT_CACHE_KEY ->
                    catalog.coverFromSnapshot(
                            request.getTemplateId(), request.getTemplateVersion(), request.getSnapshotCacheKey());
                case JOB_ID -> {
                    UUID job;
                    try {
                        job = UUID.fromString(request.getJobId());
                    } catch (IllegalArgumentException e) {
                        throw FarmException.invalid("job_id", "is not a UUID");
                    }
                    yield catalog.previewFromJob(request.getTemplateId(), request.getTemplateVersion(), job);
                }
                default -> throw FarmException.invalid("source", "name a snapshot_cache_key or a job_id");
            };
            return toProto(media);
        });
    }

    @Override
    public void renderCatalogMedia(
            RenderCatalogMediaRequest request, StreamObserver<RenderCatalogMediaResponse> observer) {
        unary(observer, () -> {
            String templateId = request.getTemplateId().strip();
            if (templateId.isEmpty()) {
                throw FarmException.invalid("template_id", "is required");
            }
            if (!TemplateManifestParser.TEMPLATE_ID.matcher(templateId).matches()) {
                throw FarmException.invalid(
                        "template_id",
                        "'" + templateId + "' is not a template id (lower-case letters, digits, '.', '_' and '-', "
                                + "at most 64)");
            }
            CatalogMediaRenders.Started started = renders.start(templateId, request.getForce());
            return RenderCatalogMediaResponse.newBuilder()
                    .setTemplateVersion(started.templateVersion())
                    .setCovers(started.covers())
                    .setPreview(started.preview())
                    .addAllJobIds(started.jobIds().stream().map(UUID::toString).toList())
                    .build();
        });
    }

    static CatalogEntry toProto(CatalogRows.Entry entry) {
        CatalogRows.Project project = entry.project();
        CatalogEntry.Builder proto = CatalogEntry.newBuilder()
                .setTemplateId(project.id())
                .setTemplateVersion(project.templateVersion())
                .setTenantId(project.tenantId().toString())
                .setCategoryId(project.containerId() == null ? "" : project.containerId())
                .setNameFa(project.nameFa())
                .setNameEn(project.nameEn())
                .setDescriptionFa(project.descriptionFa())
                .setDescriptionEn(project.descriptionEn())
                .addAllTagsFa(project.tagsFa())
                .addAllTagsEn(project.tagsEn())
                .setEngine(project.engine())
                .setFps(project.fps())
                .setDurationFrames(project.durationFrames())
                .setUpdatedAt(Timestamp.newBuilder()
                        .setSeconds(project.updatedAt().getEpochSecond())
                        .setNanos(project.updatedAt().getNano()));
        for (CatalogRows.Aspect aspect : project.aspectsInOrder()) {
            proto.addAspects(TemplateAspect.newBuilder()
                    .setAspect(aspect.aspect())
                    .setWidth(aspect.width())
                    .setHeight(aspect.height())
                    .setComposition(aspect.composition()));
        }
        for (CatalogRows.Scene scene : entry.scenes()) {
            CatalogScene.Builder sceneProto = CatalogScene.newBuilder()
                    .setPosition(scene.position())
                    .setNameFa(scene.nameFa())
                    .setNameEn(scene.nameEn())
                    .setStartFrame(scene.startFrame())
                    .setDurationFrames(scene.durationFrames());
            entry.fields().stream()
                    .filter(field -> field.scenePosition() == scene.position())
                    .forEach(field -> sceneProto.addFields(toProto(field)));
            proto.addScenes(sceneProto);
        }
        for (CatalogRows.Preset preset : entry.presets()) {
            ColorPreset.Builder presetProto =
                    ColorPreset.newBuilder().setNameFa(preset.nameFa()).setNameEn(preset.nameEn());
            preset.colors()
                    .properties()
                    .forEach(c -> presetProto.putColors(c.getKey(), c.getValue().asText()));
            proto.addPresets(presetProto);
        }
        entry.media().forEach(media -> proto.addMedia(toProto(media)));
        return proto.build();
    }

    private static CatalogField toProto(CatalogRows.Field field) {
        CatalogField.Builder proto = CatalogField.newBuilder()
                .setName(field.name())
                .setType(field.type())
                .setLabelFa(field.labelFa())
                .setLabelEn(field.labelEn())
                .setRequired(field.required())
                .setDefaultFaJson(
                        field.defaultFa() == null || field.defaultFa().isNull()
                                ? ""
                                : field.defaultFa().toString())
                .setDefaultEnJson(
                        field.defaultEn() == null || field.defaultEn().isNull()
                                ? ""
                                : field.defaultEn().toString())
                .addAllPalette(field.palette());
        if (field.minLength() != null) {
            proto.setMinLength(field.minLength());
        }
        if (field.maxLength() != null) {
            proto.setMaxLength(field.maxLength());
        }
        if (field.minValue() != null) {
            proto.setMin(field.minValue());
        }
        if (field.maxValue() != null) {
            proto.setMax(field.maxValue());
        }
        return proto.build();
    }

    static CatalogMedia toProto(CatalogRows.Media media) {
        return CatalogMedia.newBuilder()
                .setKind(media.kind())
                .setAspect(media.aspect())
                .setTemplateVersion(media.templateVersion())
                .setSha256(media.sha256())
                .setContentType(media.contentType())
                .setSizeBytes(media.sizeBytes())
                .setWidth(media.width())
                .setHeight(media.height())
                .setDurationMillis(media.durationMillis() == null ? 0 : media.durationMillis())
                .setFrameCount(media.frameCount() == null ? 0 : media.frameCount())
                .build();
    }
}
