package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import ir.flatrender.gateway.catalog.CatalogFarm;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogField;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogMediaData;
import ir.flatrender.proto.farm.v1.ListCatalogResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;

/** {@link CatalogFarm} over the orchestrator's CatalogService: where the catalog's proto stops. */
public final class GrpcCatalogFarm implements CatalogFarm {
    private final FarmClient farm;
    private final ObjectMapper json;

    public GrpcCatalogFarm(FarmClient farm, ObjectMapper json) {
        this.farm = requireNonNull(farm, "farm is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public Catalog catalog(UUID tenant) {
        ListCatalogResponse response = farm.catalog(tenant.toString());
        return new Catalog(
                response.getCategoriesList().stream()
                        .map(c -> new Category(c.getId(), c.getNameFa(), c.getNameEn(), c.getPosition()))
                        .toList(),
                response.getEntriesList().stream().map(this::template).toList());
    }

    private Template template(CatalogEntry entry) {
        return new Template(
                entry.getTemplateId(),
                entry.getTemplateVersion(),
                UUID.fromString(entry.getTenantId()),
                entry.getCategoryId(),
                entry.getNameFa(),
                entry.getNameEn(),
                entry.getDescriptionFa(),
                entry.getDescriptionEn(),
                entry.getTagsFaList(),
                entry.getTagsEnList(),
                entry.getEngine(),
                entry.getFps(),
                entry.getDurationFrames(),
                entry.getAspectsList().stream()
                        .map(a -> new Aspect(a.getAspect(), a.getWidth(), a.getHeight()))
                        .toList(),
                entry.getScenesList().stream()
                        .map(s -> new Scene(
                                s.getPosition(),
                                s.getNameFa(),
                                s.getNameEn(),
                                s.getStartFrame(),
                                s.getDurationFrames(),
                                s.getFieldsList().stream().map(this::field).toList()))
                        .toList(),
                entry.getPresetsList().stream()
                        .map(p -> new Preset(p.getNameFa(), p.getNameEn(), p.getColorsMap()))
                        .toList(),
                entry.getMediaList().stream().map(GrpcCatalogFarm::media).toList());
    }

    private Field field(CatalogField field) {
        return new Field(
                field.getName(),
                field.getType(),
                field.getLabelFa(),
                field.getLabelEn(),
                field.getRequired(),
                field.hasMinLength() ? Optional.of(field.getMinLength()) : Optional.empty(),
                field.hasMaxLength() ? Optional.of(field.getMaxLength()) : Optional.empty(),
                field.hasMin() ? Optional.of(field.getMin()) : Optional.empty(),
                field.hasMax() ? Optional.of(field.getMax()) : Optional.empty(),
                parse(field.getDefaultFaJson()),
                parse(field.getDefaultEnJson()),
                field.getPaletteList());
    }

    private Optional<JsonNode> parse(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(value));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static Media media(CatalogMedia media) {
        return new Media(
                media.getKind(),
                media.getAspect(),
                media.getTemplateVersion(),
                media.getSha256(),
                media.getContentType(),
                media.getSizeBytes(),
                media.getWidth(),
                media.getHeight(),
                media.getDurationMillis(),
                media.getFrameCount());
    }

    @Override
    public void media(UUID tenant, String sha256, long offset, long length, OutputStream out) throws IOException {
        copy(() -> farm.catalogMedia(tenant.toString(), sha256, offset, length), out, FarmClient::problem);
    }

    /**
     * Writes a media blob's parts to {@code out} as they arrive, in a context cancelled when done,
     * so a client that goes away stops the farm's stream; the farm's refusal as {@code problem} maps it.
     */
    public static void copy(
            java.util.function.Supplier<Iterator<CatalogMediaData>> parts,
            OutputStream out,
            java.util.function.Function<StatusRuntimeException, RuntimeException> problem)
            throws IOException {
        io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
        try {
            call.call(() -> {
                Iterator<CatalogMediaData> data = parts.get();
                while (data.hasNext()) {
                    data.next().getData().writeTo(out);
                }
                return null;
            });
        } catch (IOException e) {
            throw e;
        } catch (StatusRuntimeException e) {
            throw problem.apply(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            call.cancel(null);
        }
    }
}
