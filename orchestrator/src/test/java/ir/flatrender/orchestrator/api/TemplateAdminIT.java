package ir.flatrender.orchestrator.api;

import static ir.flatrender.orchestrator.testing.TestingPackages.entries;
import static ir.flatrender.orchestrator.testing.TestingPackages.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingPackages;
import ir.flatrender.proto.farm.v1.CatalogCategory;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListCatalogRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.ReviseTemplateRequest;
import ir.flatrender.proto.farm.v1.SetTemplateHiddenRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21, the templates admin: hiding a template from the catalog (it stays renderable),
 * listing a template's versions, and revising the current version's engine and compositions as
 * a new version; the console may, a tenant's gateway may not.
 */
class TemplateAdminIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static final UUID OTHER_TENANT = UUID.fromString("00000000-0000-0000-0000-0000000000c3");
    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    /** A timeline template in a category of its own. */
    private static byte[] timeline(String id, String note) {
        return zip(timelineEntries(id, note));
    }

    private static java.util.Map<String, String> timelineEntries(String id, String note) {
        return entries("template.json", """
                {"id": "%s", "name": {"en": "Hideaway", "fa": "پنهان"}, "engine": "timeline", "fps": 25,
                 "durationInFrames": 50, "aspects": {"16:9": {"width": 640, "height": 360}},
                 "bindings": [{"name": "title", "type": "text", "default": "hi", "maxLength": 10}],
                 "catalog": {"category": {"en": "Hideaway %s", "fa": "پنهان"}},
                 "spec": {"background": {"type": "solid", "color": "#000000"}}}
                """.formatted(id, id), "notes.txt", note);
    }

    /** A Remotion template whose package also holds a timeline spec: the engine picker may pick either. */
    private static byte[] picker(String id) {
        return zip(entries(
                "template.json",
                """
                {"id": "%s", "name": {"en": "Picker", "fa": "انتخاب"}, "engine": "remotion", "fps": 25,
                 "durationInFrames": 50,
                 "aspects": {"16:9": {"width": 640, "height": 360, "composition": "Picker-16x9"},
                             "9:16": {"width": 360, "height": 640, "composition": "Picker-9x16"}},
                 "bindings": [{"name": "title", "type": "text", "default": "hi", "maxLength": 10}],
                 "remotion": {"entry": "src/index.ts"},
                 "spec": {"background": {"type": "solid", "color": "#102030"}}}
                """.formatted(id),
                "src/index.ts",
                "registerRoot(Root);",
                "bundle/index.html",
                "<html>",
                "bundle/bundle.js",
                "built in /tmp/a"));
    }

    private static PushTemplateResponse push(byte[] zip, String tenantId) throws Exception {
        return TestingPackages.push(orchestrator.channel(), zip, tenantId);
    }

    private static TemplateServiceGrpc.TemplateServiceBlockingStub templates(Channel channel) {
        return TemplateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static TemplateServiceGrpc.TemplateServiceBlockingStub templates() {
        return templates(orchestrator.channel());
    }

    private static CatalogServiceGrpc.CatalogServiceBlockingStub catalog() {
        return CatalogServiceGrpc.newBlockingStub(orchestrator.channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static ReviseTemplateRequest.Builder revise(String id, int base) {
        return ReviseTemplateRequest.newBuilder().setTemplateId(id).setBaseVersion(base);
    }

    private static TemplateAspect composition(String aspect, String composition) {
        return TemplateAspect.newBuilder()
                .setAspect(aspect)
                .setComposition(composition)
                .build();
    }

    private static void assertRefused(ThrowingCallable call, Status.Code code, String... named) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            if (named.length > 0) {
                assertThat(e.getStatus().getDescription()).contains(named);
            }
        });
    }

    private static Template hide(String id, boolean hidden) {
        return templates()
                .setTemplateHidden(SetTemplateHiddenRequest.newBuilder()
                        .setTemplateId(id)
                        .setHidden(hidden)
                        .build());
    }

    @Test
    void aHiddenTemplateLeavesEveryCatalogButStaysRenderableAndComesBackWhenShown() throws Exception {
        push(timeline("hideaway", "one"), "");
        push(timeline("hideaway", "two"), "");
        String gateway = orchestrator.enrollGateway("hiding-gateway");
        var tenantsCatalog = CatalogServiceGrpc.newBlockingStub(orchestrator.channel(gateway, OTHER_TENANT));
        assertThat(tenantsCatalog
                        .listCatalog(ListCatalogRequest.getDefaultInstance())
                        .getEntriesList())
                .extracting(CatalogEntry::getTemplateId)
                .contains("hideaway");

        Template hidden = hide("hideaway", true);
        assertThat(hidden.getHidden()).isTrue();
        assertThat(hidden.getVersion()).isEqualTo(2);
        assertThat(hidden.getCurrent()).isTrue();
        for (var view : java.util.List.of(catalog(), tenantsCatalog)) {
            var listed = view.listCatalog(ListCatalogRequest.getDefaultInstance());
            assertThat(listed.getEntriesList())
                    .extracting(CatalogEntry::getTemplateId)
                    .doesNotContain("hideaway");
            // Its category held only it.
            assertThat(listed.getCategoriesList())
                    .extracting(CatalogCategory::getId)
                    .doesNotContain("hideaway-hideaway");
        }
        // A tenant's gateway no longer finds its entry; the operators still do, to manage it.
        assertRefused(
                () -> tenantsCatalog.getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("hideaway")
                        .build()),
                Status.Code.NOT_FOUND);
        assertThat(catalog()
                        .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                                .setTemplateId("hideaway")
                                .build())
                        .getTemplateVersion())
                .isEqualTo(2);
        assertThat(templates()
                        .getTemplate(GetTemplateRequest.newBuilder()
                                .setTemplateId("hideaway")
                                .build()))
                .satisfies(template -> assertThat(template.getHidden()).isTrue());
        // Hiding again changes nothing; a job of it is still made.
        assertThat(hide("hideaway", true).getHidden()).isTrue();
        var job = JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("hideaway")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("still")
                                                .build()))
                        .build());
        assertThat(job.getJob().getTemplateVersion()).isEqualTo(2);

        assertThat(hide("hideaway", false).getHidden()).isFalse();
        CatalogEntry back = catalog()
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTemplateId("hideaway")
                        .build());
        assertThat(back.getTemplateVersion()).isEqualTo(2);
        assertThat(tenantsCatalog
                        .listCatalog(ListCatalogRequest.getDefaultInstance())
                        .getCategoriesList())
                .extracting(CatalogCategory::getId)
                .contains("hideaway-hideaway");

        assertRefused(() -> hide("never-pushed", true), Status.Code.NOT_FOUND, "never-pushed");
        assertRefused(() -> hide("Not An Id", true), Status.Code.INVALID_ARGUMENT, "template_id");
    }

    @Test
    void aTemplatesVersionsAreListedNewestFirstWithTheirTenantAndEngines() throws Exception {
        for (String note : new String[] {"one", "two", "three"}) {
            push(timeline("versioned", note), OTHER_TENANT.toString());
        }
        var versions = templates()
                .listTemplates(ListTemplatesRequest.newBuilder()
                        .setTemplateId("versioned")
                        .setEngine("remotion")
                        .build())
                .getTemplatesList();
        assertThat(versions).extracting(Template::getVersion).containsExactly(3, 2, 1);
        assertThat(versions).extracting(Template::getCurrent).containsExactly(true, false, false);
        assertThat(versions).allSatisfy(version -> {
            assertThat(version.getTenantId()).isEqualTo(OTHER_TENANT.toString());
            assertThat(version.getHidden()).isFalse();
            assertThat(version.getEnginesAvailableList()).containsExactly("timeline");
        });
        assertRefused(
                () -> templates()
                        .listTemplates(ListTemplatesRequest.newBuilder()
                                .setTemplateId("no-such-template")
                                .build()),
                Status.Code.NOT_FOUND,
                "no-such-template");
        assertRefused(
                () -> templates()
                        .listTemplates(ListTemplatesRequest.newBuilder()
                                .setTemplateId("../etc")
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "template_id");
    }

    @Test
    void aRevisionIsANewCurrentVersionOfTheSamePackageWithItsManifestChanged() throws Exception {
        PushTemplateResponse pushed = push(picker("picker"), OTHER_TENANT.toString());
        Template first = pushed.getTemplate();
        assertThat(first.getEnginesAvailableList()).containsExactly("timeline", "remotion");

        PushTemplateResponse recomposed = templates()
                .reviseTemplate(revise("picker", 1)
                        .setEngine("remotion")
                        .addAspects(composition("9:16", "Picker-Tall"))
                        .build());
        assertThat(recomposed.getCreated()).isTrue();
        Template second = templates()
                .getTemplate(
                        GetTemplateRequest.newBuilder().setTemplateId("picker").build());
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(second.getCurrent()).isTrue();
        assertThat(second.getTenantId()).isEqualTo(OTHER_TENANT.toString());
        assertThat(second.getAspectsList())
                .extracting(a -> a.getAspect() + " " + a.getWidth() + "x" + a.getHeight() + " " + a.getComposition())
                .containsExactly("16:9 640x360 Picker-16x9", "9:16 360x640 Picker-Tall");
        assertThat(second.getSourceSha256()).isNotEqualTo(first.getSourceSha256());
        JsonNode stored = TestingPackages.storedManifest(orchestrator.dataDirectory(), second.getPackageSha256());
        assertThat(stored.path("aspects").path("9:16").path("composition").asText())
                .isEqualTo("Picker-Tall");
        assertThat(stored.path("aspects").path("9:16").path("width").asInt()).isEqualTo(360);
        assertThat(stored.path("revisedFrom").asInt()).isEqualTo(1);
        assertThat(TestingPackages.storedFiles(orchestrator.dataDirectory(), second.getPackageSha256()))
                .contains("src/index.ts", "bundle/index.html", "bundle/bundle.js");

        Template third = templates()
                .reviseTemplate(revise("picker", 2).setEngine("timeline").build())
                .getTemplate();
        assertThat(third.getVersion()).isEqualTo(3);
        assertThat(third.getEngine()).isEqualTo("timeline");
        assertThat(TestingPackages.storedManifest(orchestrator.dataDirectory(), third.getPackageSha256())
                        .path("engine")
                        .asText())
                .isEqualTo("timeline");
        assertThat(catalog()
                        .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                                .setTemplateId("picker")
                                .setTenantId(OTHER_TENANT.toString())
                                .build())
                        .getTemplateVersion())
                .isEqualTo(3);
        // Nothing changed: the base again, not a version.
        PushTemplateResponse same = templates()
                .reviseTemplate(revise("picker", 3).setEngine("timeline").build());
        assertThat(same.getCreated()).isFalse();
        assertThat(same.getTemplate().getVersion()).isEqualTo(3);
        // Back to Remotion: a new current version, never the earlier one again.
        Template fourth = templates()
                .reviseTemplate(revise("picker", 3).setEngine("remotion").build())
                .getTemplate();
        assertThat(fourth.getVersion()).isEqualTo(4);
        assertThat(fourth.getCurrent()).isTrue();
        assertThat(fourth.getEngine()).isEqualTo("remotion");
    }

    @Test
    void aRevisionIsRefusedNamingWhatIsWrong() throws Exception {
        push(picker("refused-picker"), "");
        push(timeline("refused-timeline", "one"), "");
        templates()
                .reviseTemplate(
                        revise("refused-picker", 1).setEngine("timeline").build());
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-picker", 1)
                                .setEngine("remotion")
                                .build()),
                Status.Code.FAILED_PRECONDITION,
                "base_version 1",
                "version 2");
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-timeline", 1)
                                .setEngine("remotion")
                                .addAspects(composition("1:1", "Square"))
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "engine: the package has nothing the remotion engine renders from",
                "aspects[0].aspect: the template has no aspect '1:1'");
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-picker", 2)
                                .addAspects(composition("16:9", "../../etc"))
                                .addAspects(composition("9:16", " "))
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "aspects[0].composition",
                "aspects[1].composition: is required");
        assertRefused(
                () -> templates()
                        .reviseTemplate(
                                revise("refused-picker", 2).setEngine("flash").build()),
                Status.Code.INVALID_ARGUMENT,
                "engine: unknown engine 'flash'");
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-picker", 2)
                                .setEngine("aftereffects")
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "engine: the package has nothing the aftereffects engine renders from");
        // A bundle, but a manifest that does not say how Remotion renders it: refused as a push is.
        var bundled = timelineEntries("refused-bundled", "one");
        bundled.put("bundle/index.html", "<html>");
        push(zip(bundled), "");
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-bundled", 1)
                                .setEngine("remotion")
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "remotion.entry",
                "aspects: the remotion engine needs a composition for every aspect");
        assertRefused(
                () -> templates()
                        .reviseTemplate(
                                revise("never-pushed", 1).setEngine("timeline").build()),
                Status.Code.NOT_FOUND);
        assertRefused(
                () -> templates()
                        .reviseTemplate(revise("refused-picker", 0)
                                .setEngine("timeline")
                                .build()),
                Status.Code.INVALID_ARGUMENT,
                "base_version");
    }

    @Test
    void theConsoleHidesAndRevisesTemplatesAndATenantsGatewayMayNot() throws Exception {
        push(picker("console-picker"), "");
        Channel console = orchestrator.channel(orchestrator.enrollConsole("templates-console"));
        assertThat(templates(console)
                        .setTemplateHidden(SetTemplateHiddenRequest.newBuilder()
                                .setTemplateId("console-picker")
                                .setHidden(true)
                                .build())
                        .getHidden())
                .isTrue();
        assertThat(templates(console)
                        .reviseTemplate(revise("console-picker", 1)
                                .setEngine("timeline")
                                .build())
                        .getTemplate()
                        .getVersion())
                .isEqualTo(2);
        assertThat(templates(console)
                        .listTemplates(ListTemplatesRequest.newBuilder()
                                .setTemplateId("console-picker")
                                .build())
                        .getTemplatesList())
                .extracting(Template::getVersion)
                .containsExactly(2, 1);
        // The console still reads a hidden template's entry (its covers, to manage it).
        assertThat(CatalogServiceGrpc.newBlockingStub(console)
                        .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                                .setTemplateId("console-picker")
                                .build())
                        .getTemplateId())
                .isEqualTo("console-picker");

        Channel gateway = orchestrator.channel(
                orchestrator.enrollGateway("templates-gateway"), TestingOrchestrator.DEFAULT_TENANT);
        assertRefused(
                () -> templates(gateway)
                        .setTemplateHidden(SetTemplateHiddenRequest.newBuilder()
                                .setTemplateId("console-picker")
                                .setHidden(false)
                                .build()),
                Status.Code.PERMISSION_DENIED);
        assertRefused(
                () -> templates(gateway)
                        .reviseTemplate(revise("console-picker", 2)
                                .setEngine("remotion")
                                .build()),
                Status.Code.PERMISSION_DENIED);
        assertThat(templates()
                        .getTemplate(GetTemplateRequest.newBuilder()
                                .setTemplateId("console-picker")
                                .build()))
                .satisfies(template -> {
                    assertThat(template.getHidden()).isTrue();
                    assertThat(template.getVersion()).isEqualTo(2);
                });
    }
}
