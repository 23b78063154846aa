package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.templates.TemplateCache;
import ir.flatrender.node.templates.TemplateRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateStageTest {
    @TempDir
    Path directory;

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("template.json"));
            out.write("{\"id\": \"card\"}".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return zip.toByteArray();
    }

    @Test
    void thePackageIsFetchedAndHeldUnpackedForTheAttempt() throws Exception {
        byte[] zip = zip();
        TemplateRef ref =
                new TemplateRef("card", 1, Hashing.sha256().hashBytes(zip).toString(), zip.length);
        TemplateCache cache = new TemplateCache(
                directory,
                (sha256, offset, out) -> out.write(zip, (int) offset, zip.length - (int) offset),
                1 << 20,
                new ObjectMapper(),
                Clock.systemUTC());

        try (TemplateCache.Lease lease =
                new TemplateStage(cache).fetch(TestingAssignments.frames(ref, List.of(TestingAssignments.OUTPUT)))) {
            assertThat(lease.directory().resolve("template.json")).hasContent("{\"id\": \"card\"}");
        }
    }

    @Test
    void aPackageThatCannotBeFetchedIsATemplateFetchFailure() throws Exception {
        TemplateCache cache = new TemplateCache(
                directory,
                (sha256, offset, out) -> {
                    throw new IOException("the orchestrator has no such package");
                },
                1 << 20,
                new ObjectMapper(),
                Clock.systemUTC());

        assertThatThrownBy(() -> new TemplateStage(cache).fetch(TestingAssignments.frames()))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TEMPLATE_FETCH);
                    assertThat(e.getMessage())
                            .isEqualTo("could not get the template package: the orchestrator has no such package");
                });
    }
}
