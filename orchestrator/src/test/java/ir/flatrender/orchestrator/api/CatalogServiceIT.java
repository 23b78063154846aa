package ir.flatrender.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingPackages;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogField;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogMediaData;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.ListCatalogRequest;
import ir.flatrender.proto.farm.v1.ListCatalogResponse;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.ReadCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.proto.farm.v1.SetCatalogMediaRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog follows pushes (in the transaction that makes a version current; the same sources
 * again change nothing), is read per tenant, and takes media from the operators only; the farm's
 * own renders of its media start as the template's tenant's, one run per template (with no node
 * here, they only start: CatalogMediaFarmIT renders them).
 */
class CatalogServiceIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final UUID OTHER_TENANT = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static String manifest(String id, String title) {
        return """
                {"id": "%s", "name": {"en": "%s", "fa": "کارت تخفیف"}, "engine": "timeline", "fps": 25,
                 "durationInFrames": 50, "aspects": {"16:9": {"width": 640, "height": 360},
                                                      "9:16": {"width": 360, "height": 640}},
                 "bindings": [
                   {"name": "title", "type": "text", "label": {"en": "Title", "fa": "عنوان"}, "maxLength": 30,
                    "default": "حراج بهاره", "defaults": {"fa": "حراج بهاره", "en": "Spring sale"}},
                   {"name": "primary", "type": "color", "label": {"en": "Colour", "fa": "رنگ"}, "default": "#ff8f00",
                    "palette": ["#ff8f00", "#e53935"]}],
                 "palettes": [{"name": {"en": "Paper", "fa": "کاغذی"}, "values": {"primary": "#e53935"}}],
                 "catalog": {"category": {"en": "Sale & Promo", "fa": "فروش"},
                             "description": {"en": "A sale card.", "fa": "کارتی برای حراج."},
                             "tags": {"en": ["sale"], "fa": ["حراج", "تخفیف"]}},
                 "spec": {"background": {"type": "solid", "color": "#000000"}}}
                """.formatted(id, title);
    }

    private static byte[] zip(String manifest) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zip.putArchiveEntry(new ZipArchiveEntry("template.json"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static PushTemplateResponse push(byte[] zip, String tenantId) throws Exception {
        return TestingPackages.push(orchestrator.channel(), zip, tenantId);
    }

    private static CatalogServiceGrpc.CatalogServiceBlockingStub operator() {
        return CatalogServiceGrpc.newBlockingStub(orchestrator.channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** updated_at of the project and of its container, and how many fields and presets it has. */
    private static String projectState(String id) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT p.updated_at::text || ' ' || c.updated_at::text || ' ' || p.template_version
                                    || ' ' || (SELECT count(*) FROM content.scene_fields f WHERE f.project_id = p.id)
                                    || ' ' || (SELECT count(*) FROM content.color_presets f WHERE f.project_id = p.id)
                                FROM content.projects p JOIN content.containers c ON c.id = p.container_id
                                WHERE p.id = :id
                                """)
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    }

    @Test
    void aPushMakesTheCatalogEntryAndTheSameSourcesAgainChangeNothing() throws Exception {
        PushTemplateResponse first = push(zip(manifest("catalog-sale", "Sale card")), "");
        assertThat(first.getCreated()).isTrue();
        CatalogEntry entry = operator()
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("catalog-sale")
                        .build());
        assertThat(entry.getTemplateVersion()).isEqualTo(1);
        assertThat(entry.getCategoryId()).isEqualTo("sale-promo");
        assertThat(entry.getNameFa()).isEqualTo("کارت تخفیف");
        assertThat(entry.getNameEn()).isEqualTo("Sale card");
        assertThat(entry.getDescriptionEn()).isEqualTo("A sale card.");
        assertThat(entry.getTagsFaList()).containsExactly("حراج", "تخفیف");
        assertThat(entry.getAspectsList())
                .extracting(a -> a.getAspect() + " " + a.getWidth() + "x" + a.getHeight())
                .containsExactly("16:9 640x360", "9:16 360x640");
        assertThat(entry.getScenesList()).hasSize(1);
        CatalogField title = entry.getScenes(0).getFields(0);
        assertThat(title.getName()).isEqualTo("title");
        assertThat(title.getLabelFa()).isEqualTo("عنوان");
        assertThat(title.getMaxLength()).isEqualTo(30);
        assertThat(title.getDefaultFaJson()).isEqualTo("\"حراج بهاره\"");
        assertThat(title.getDefaultEnJson()).isEqualTo("\"Spring sale\"");
        assertThat(entry.getScenes(0).getFields(1).getPaletteList()).containsExactly("#ff8f00", "#e53935");
        assertThat(entry.getPresets(0).getNameFa()).isEqualTo("کاغذی");
        assertThat(entry.getPresets(0).getColorsMap()).isEqualTo(Map.of("primary", "#e53935"));
        assertThat(entry.getMediaList()).isEmpty();

        String before = projectState("catalog-sale");
        PushTemplateResponse again = push(zip(manifest("catalog-sale", "Sale card")), "");
        assertThat(again.getCreated()).isFalse();
        assertThat(projectState("catalog-sale")).isEqualTo(before);

        PushTemplateResponse changed = push(zip(manifest("catalog-sale", "Sale card, new")), "");
        assertThat(changed.getTemplate().getVersion()).isEqualTo(2);
        CatalogEntry followed = operator()
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("catalog-sale")
                        .build());
        assertThat(followed.getTemplateVersion()).isEqualTo(2);
        assertThat(followed.getNameEn()).isEqualTo("Sale card, new");
        assertThat(projectState("catalog-sale")).endsWith(" 2 2 1");
    }

    @Test
    void aTenantsOwnTemplatesAreSeenByThatTenantOnlyAndGatewaysMayNotLinkMedia() throws Exception {
        push(zip(manifest("catalog-shared", "Shared")), "");
        push(zip(manifest("catalog-private", "Private")), OTHER_TENANT.toString());
        String gateway = orchestrator.enrollGateway("catalog-gateway");
        var asDefault =
                CatalogServiceGrpc.newBlockingStub(orchestrator.channel(gateway, TestingOrchestrator.DEFAULT_TENANT));
        var asOther = CatalogServiceGrpc.newBlockingStub(orchestrator.channel(gateway, OTHER_TENANT));
        ListCatalogResponse shared = asDefault.listCatalog(ListCatalogRequest.getDefaultInstance());
        assertThat(shared.getEntriesList())
                .extracting(CatalogEntry::getTemplateId)
                .contains("catalog-shared")
                .doesNotContain("catalog-private");
        ListCatalogResponse own = asOther.listCatalog(ListCatalogRequest.getDefaultInstance());
        assertThat(own.getEntriesList())
                .extracting(CatalogEntry::getTemplateId)
                .contains("catalog-shared", "catalog-private");
        assertThat(own.getCategoriesList()).extracting(c -> c.getId()).contains("sale-promo");
        assertThatThrownBy(() -> asDefault.getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("catalog-private")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        // Naming another tenant in the request than the call's is refused.
        assertThatThrownBy(() -> asDefault.listCatalog(ListCatalogRequest.newBuilder()
                        .setTenantId(OTHER_TENANT.toString())
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> asDefault.setCatalogMedia(SetCatalogMediaRequest.newBuilder()
                        .setTemplateId("catalog-shared")
                        .setTemplateVersion(1)
                        .setSnapshotCacheKey("0".repeat(64))
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void aCachedStillBecomesTheCoverOfItsVersionAndIsReadBackByDigest() throws Exception {
        push(zip(manifest("catalog-covered", "Covered")), "");
        byte[] still = new byte[300_000];
        new java.util.Random(7).nextBytes(still);
        String cacheKey = "ab" + "c".repeat(62);
        String blobKey = "snapshots/ab/" + cacheKey + ".jpg";
        Path file = orchestrator.dataDirectory().resolve("blobs").resolve(blobKey);
        Files.createDirectories(file.getParent());
        Files.write(file, still);
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate("""
                        INSERT INTO render.snapshots (cache_key, template_id, template_version, engine, aspect, frame,
                            tier, format, width, height, blob_key, size_bytes)
                        VALUES (:key, 'catalog-covered', 1, 'timeline', '9:16', 10, '360p', 'jpeg', 360, 640, :blob,
                            300000)
                        """)
                        .bind("key", cacheKey)
                        .bind("blob", blobKey)
                        .execute());
        assertThatThrownBy(() -> operator()
                        .setCatalogMedia(SetCatalogMediaRequest.newBuilder()
                                .setTemplateId("catalog-covered")
                                .setTemplateVersion(2)
                                .setSnapshotCacheKey(cacheKey)
                                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("template_version");
                });
        CatalogMedia media = operator()
                .setCatalogMedia(SetCatalogMediaRequest.newBuilder()
                        .setTemplateId("catalog-covered")
                        .setTemplateVersion(1)
                        .setSnapshotCacheKey(cacheKey)
                        .build());
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(still));
        assertThat(media.getSha256()).isEqualTo(sha256);
        assertThat(media.getKind()).isEqualTo("cover");
        assertThat(media.getAspect()).isEqualTo("9:16");
        assertThat(media.getContentType()).isEqualTo("image/jpeg");
        assertThat(media.getSizeBytes()).isEqualTo(still.length);
        // The cache may drop its still; the catalog keeps its own copy.
        Files.delete(file);
        CatalogEntry entry = operator()
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("catalog-covered")
                        .build());
        assertThat(entry.getMediaList()).containsExactly(media);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        operator()
                .readCatalogMedia(
                        ReadCatalogMediaRequest.newBuilder().setSha256(sha256).build())
                .forEachRemaining(part -> read.writeBytes(part.getData().toByteArray()));
        assertThat(read.toByteArray()).isEqualTo(still);
        var range = operator()
                .readCatalogMedia(ReadCatalogMediaRequest.newBuilder()
                        .setSha256(sha256)
                        .setOffset(1000)
                        .setLength(10)
                        .build());
        CatalogMediaData part = range.next();
        assertThat(part.getTotalSize()).isEqualTo(still.length);
        assertThat(part.getData().toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(still, 1000, 1010));
        range.forEachRemaining(rest -> {});
        // A digest the catalog does not hold (for this tenant) is not found.
        assertThatThrownBy(() -> operator()
                        .readCatalogMedia(ReadCatalogMediaRequest.newBuilder()
                                .setSha256("d".repeat(64))
                                .build())
                        .next())
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    private static void assertRefused(Runnable call, Status.Code code, String described) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(described);
        });
    }

    private static RenderCatalogMediaResponse render(String templateId, boolean force) {
        return operator()
                .renderCatalogMedia(RenderCatalogMediaRequest.newBuilder()
                        .setTemplateId(templateId)
                        .setForce(force)
                        .build());
    }

    /** tenant, aspect, tier and idempotency key of a job, and how many jobs its template has. */
    private static String job(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT j.tenant_id || ' ' || j.aspect || ' ' || j.tier || ' ' || j.idempotency_key
                                    || ' ' || (SELECT count(*) FROM render.render_jobs o
                                               WHERE o.template_id = j.template_id AND o.kind = 'video')
                                FROM render.render_jobs j WHERE j.id = :id
                                """)
                        .bind("id", UUID.fromString(jobId))
                        .mapTo(String.class)
                        .one());
    }

    @Test
    void renderingMediaNamesBadInputAndStartsOneRunPerTemplateAsItsTenantsAndTwoAtOnce() throws Exception {
        assertRefused(() -> render(" ", false), Status.Code.INVALID_ARGUMENT, "template_id");
        assertRefused(() -> render("Not An Id", false), Status.Code.INVALID_ARGUMENT, "template_id");
        assertRefused(() -> render("catalog-nowhere", false), Status.Code.NOT_FOUND, "does not exist");
        push(zip(manifest("catalog-unlisted", "Unlisted")), "");
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.execute("DELETE FROM content.projects WHERE id = 'catalog-unlisted'"));
        assertRefused(() -> render("catalog-unlisted", false), Status.Code.NOT_FOUND, "has no catalog entry");

        // No node serves this farm: the renders started wait, and so do their runs.
        push(zip(manifest("catalog-render-a", "A")), "");
        push(zip(manifest("catalog-render-b", "B")), OTHER_TENANT.toString());
        push(zip(manifest("catalog-render-c", "C")), "");
        RenderCatalogMediaResponse a = render("catalog-render-a", false);
        assertThat(a.getTemplateVersion()).isEqualTo(1);
        assertThat(a.getCovers()).isEqualTo(2);
        assertThat(a.getPreview()).isTrue();
        assertThat(a.getJobIdsList()).hasSize(1);
        assertThat(job(a.getJobIds(0)))
                .isEqualTo(TestingOrchestrator.DEFAULT_TENANT + " 16:9 360p catalog-preview:catalog-render-a:v1 1");
        // A call while the template's run goes on starts nothing, forced or not: it answers that run's.
        assertThat(render("catalog-render-a", true)).isEqualTo(a);
        assertThat(render("catalog-render-a", false)).isEqualTo(a);
        assertThat(job(a.getJobIds(0))).endsWith(" 1");

        // A tenant's own template renders as that tenant's.
        RenderCatalogMediaResponse b = render("catalog-render-b", false);
        assertThat(job(b.getJobIds(0))).startsWith(OTHER_TENANT + " 16:9 360p");
        // Two templates' runs at once, and no more.
        assertRefused(() -> render("catalog-render-c", false), Status.Code.RESOURCE_EXHAUSTED, "catalog-render-a");
    }
}
