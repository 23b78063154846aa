package ir.flatrender.orchestrator.api;

import static ir.flatrender.orchestrator.testing.TestingPackages.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.orchestrator.testing.TestingPackages;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pushing packages over gRPC: versions by content, and every unsafe or invalid package refused. */
class TemplateServiceIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(), config -> config.maxPackageSize(DataSize.ofKibibytes(64)));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static String manifest(String id, String extra) {
        return """
                {"id": "%s", "name": {"en": "Pushed", "fa": "ارسالی"}, "engine": "timeline", "fps": 25,
                 "durationInFrames": 50, "aspects": {"1:1": {"width": 720, "height": 720}},
                 "bindings": [{"name": "title", "type": "text", "default": "hi", "maxLength": 10}],
                 "spec": {"background": {"type": "solid", "color": "#000000"}}%s}
                """.formatted(id, extra);
    }

    /** A zip of the given entries; a value starting with "->" makes a symbolic link. */
    private static byte[] zip(Map<String, String> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                ZipArchiveEntry archived = new ZipArchiveEntry(entry.getKey());
                byte[] content;
                if (entry.getValue().startsWith("->")) {
                    archived.setUnixMode(UnixStat.LINK_FLAG | 0777);
                    content = entry.getValue().substring(2).getBytes(StandardCharsets.UTF_8);
                } else {
                    content = entry.getValue().getBytes(StandardCharsets.UTF_8);
                }
                zip.putArchiveEntry(archived);
                zip.write(content);
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static long storedPackages() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(
                orchestrator.dataDirectory().resolve("blobs").resolve("templates"))) {
            return files.count();
        }
    }

    private static PushTemplateResponse push(byte[] zip) throws Exception {
        return push(zip, "");
    }

    private static PushTemplateResponse push(byte[] zip, String tenantId) throws Exception {
        return TestingPackages.push(orchestrator.channel(), zip, tenantId);
    }

    private static void assertRefused(byte[] zip, Status.Code code, String message) {
        assertThatThrownBy(() -> push(zip)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    @Test
    void theSameContentIsTheSameVersionAndNewContentANewOne() throws Exception {
        PushTemplateResponse first = push(zip(entries("template.json", manifest("pushed", ""), "notes.txt", "one")));
        assertThat(first.getCreated()).isTrue();
        assertThat(first.getTemplate().getVersion()).isEqualTo(1);
        // The same files in another zip (another order, in a top folder) are the same package.
        PushTemplateResponse again =
                push(zip(entries("p/notes.txt", "one", "p/template.json", manifest("pushed", ""))));
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getTemplate().getVersion()).isEqualTo(1);
        assertThat(again.getTemplate().getPackageSha256())
                .isEqualTo(first.getTemplate().getPackageSha256());
        PushTemplateResponse changed = push(zip(entries("template.json", manifest("pushed", ""), "notes.txt", "two")));
        assertThat(changed.getCreated()).isTrue();
        assertThat(changed.getTemplate().getVersion()).isEqualTo(2);

        Template current = TemplateServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getTemplate(
                        GetTemplateRequest.newBuilder().setTemplateId("pushed").build());
        assertThat(current.getVersion()).isEqualTo(2);
        assertThat(current.getCurrent()).isTrue();
        assertThat(TemplateServiceGrpc.newBlockingStub(orchestrator.channel())
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listTemplates(ListTemplatesRequest.getDefaultInstance())
                        .getTemplatesList())
                .extracting(Template::getId)
                .contains("pushed");
    }

    @Test
    void aRemotionTemplateIsTheSameVersionWhenOnlyItsBundleDiffers() throws Exception {
        String manifest = manifest(
                        "bundled", ", \"remotion\": {\"entry\": \"src/index.ts\"}, \"composition\": \"Main\"")
                .replace("\"timeline\"", "\"remotion\"");
        // A bundle embeds the folder it was built in: the same sources bundled elsewhere.
        PushTemplateResponse first = push(zip(entries(
                "template.json", manifest,
                "src/index.ts", "registerRoot(Root);",
                "bundle/index.html", "<html>",
                "bundle/bundle.js", "built in /tmp/a")));
        PushTemplateResponse again = push(zip(entries(
                "template.json", manifest,
                "src/index.ts", "registerRoot(Root);",
                "bundle/index.html", "<html>",
                "bundle/bundle.js", "built in /tmp/b")));
        assertThat(first.getCreated()).isTrue();
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getTemplate().getVersion()).isEqualTo(1);
        assertThat(again.getTemplate().getPackageSha256())
                .isEqualTo(first.getTemplate().getPackageSha256());
        // Nodes fetch only the manifest and the bundle, not the sources.
        assertThat(first.getTemplate().getRenderSha256())
                .isNotEqualTo(first.getTemplate().getPackageSha256());
        assertThat(first.getTemplate().getRenderBytes())
                .isLessThan(first.getTemplate().getPackageBytes());

        PushTemplateResponse changed = push(zip(entries(
                "template.json", manifest,
                "src/index.ts", "registerRoot(OtherRoot);",
                "bundle/index.html", "<html>",
                "bundle/bundle.js", "built in /tmp/a")));
        assertThat(changed.getCreated()).isTrue();
        assertThat(changed.getTemplate().getVersion()).isEqualTo(2);
    }

    @Test
    void anotherTenantCannotAddVersionsToATemplate() throws Exception {
        push(zip(entries("template.json", manifest("owned", ""))));
        long storedBefore = storedPackages();
        String other = "00000000-0000-0000-0000-000000000002";
        assertThatThrownBy(() -> push(zip(entries("template.json", manifest("owned", ""), "x.txt", "x")), other))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("belongs to another tenant");
                });
        // Refused before anything was stored.
        assertThat(storedPackages()).isEqualTo(storedBefore);
        assertThat(TemplateServiceGrpc.newBlockingStub(orchestrator.channel())
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getTemplate(GetTemplateRequest.newBuilder()
                                .setTemplateId("owned")
                                .build())
                        .getVersion())
                .isEqualTo(1);
    }

    @Test
    void unsafePackagesAreRefused() throws Exception {
        assertRefused(
                zip(entries("template.json", manifest("bad", ""), "../evil.txt", "x")),
                Status.Code.INVALID_ARGUMENT,
                "escapes the package root");
        assertRefused(
                zip(entries("template.json", manifest("bad", ""), "/etc/cron.d/evil", "x")),
                Status.Code.INVALID_ARGUMENT,
                "escapes the package root");
        assertRefused(
                zip(entries("template.json", manifest("bad", ""), "secret", "->/etc/passwd")),
                Status.Code.INVALID_ARGUMENT,
                "is a link");
        assertRefused(
                zip(entries("template.json", manifest("bad", ""), "big.bin", "x".repeat(70 * 1024))),
                Status.Code.RESOURCE_EXHAUSTED,
                "larger than the limit");
        assertRefused("not a zip".getBytes(StandardCharsets.UTF_8), Status.Code.INVALID_ARGUMENT, "zip");
        // A refused package leaves nothing unpacked in scratch.
        try (var left = java.nio.file.Files.list(orchestrator.dataDirectory().resolve("scratch"))) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("package-") || name.startsWith("push-"));
        }
    }

    @Test
    void anInvalidManifestIsRefusedNamingTheField() throws Exception {
        assertRefused(
                zip(entries("template.json", manifest("bad", "").replace("\"fps\": 25", "\"fps\": 500"))),
                Status.Code.INVALID_ARGUMENT,
                "fps: must be between 1 and 120");
        assertRefused(
                zip(entries(
                        "template.json",
                        manifest("bad", ", \"engine\": \"remotion\"".substring(0, 0))
                                .replace("\"timeline\"", "\"remotion\""))),
                Status.Code.INVALID_ARGUMENT,
                "remotion.entry");
        assertRefused(
                zip(entries("template.json", manifest("bad", "").replace("\"default\": \"hi\"", "\"default\": 3"))),
                Status.Code.INVALID_ARGUMENT,
                "bindings.title: must be text");
        assertRefused(zip(entries("readme.txt", "no manifest")), Status.Code.INVALID_ARGUMENT, "template.json");
        assertRefused(
                zip(entries(
                        "template.json",
                        manifest("bad", ", \"audio\": [{\"source\": \"missing.mp3\", \"volume\": 0.5}]"))),
                Status.Code.INVALID_ARGUMENT,
                "audio[0].source");
        assertRefused(
                zip(entries(
                        "template.json",
                        manifest("bad", ", \"audio\": [{\"source\": \"{{music}}\", \"startSeconds\": -1}]"))),
                Status.Code.INVALID_ARGUMENT,
                "audio[0].startSeconds");
    }
}
