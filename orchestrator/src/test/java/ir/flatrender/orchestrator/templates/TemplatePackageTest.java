package ir.flatrender.orchestrator.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.orchestrator.errors.FarmException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatePackageTest {
    @TempDir
    Path directory;

    @Test
    void theSameContentGivesTheSameBytesAndDigest() throws Exception {
        Files.writeString(directory.resolve("template.json"), "{}");
        Files.createDirectories(directory.resolve("assets"));
        Files.write(directory.resolve("assets/logo.png"), new byte[] {1, 2, 3});
        byte[] first = TemplatePackage.fromDirectory(directory, 1 << 20).toZip();
        // Touching the files changes their times, never the package.
        Files.setLastModifiedTime(directory.resolve("template.json"), java.nio.file.attribute.FileTime.fromMillis(0));
        byte[] second = TemplatePackage.fromDirectory(directory, 1 << 20).toZip();
        assertThat(second).isEqualTo(first);
        assertThat(TemplatePackage.sha256(first)).hasSize(64);
    }

    @Test
    void linksAreRefused() throws Exception {
        Files.writeString(directory.resolve("template.json"), "{}");
        Files.createSymbolicLink(directory.resolve("passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> TemplatePackage.fromDirectory(directory, 1 << 20))
                .isInstanceOf(FarmException.class)
                .hasMessageContaining("is a link");
    }

    @Test
    void packagesOverTheLimitAreRefused() throws Exception {
        Files.writeString(directory.resolve("template.json"), "{}");
        Files.write(directory.resolve("big.bin"), new byte[4096]);
        assertThatThrownBy(() -> TemplatePackage.fromDirectory(directory, 1024))
                .hasMessageContaining("larger than the limit");
    }

    @Test
    void entryNamesMayNotEscapeThePackage() {
        for (String bad : new String[] {"../x", "/etc/passwd", "a/../../b", "C:/x", "a\\b", "a//b", "./a"}) {
            assertThatThrownBy(() -> TemplatePackage.checkName(bad)).as(bad).isInstanceOf(FarmException.class);
        }
        assertThat(TemplatePackage.checkName("assets/logo.png")).isEqualTo("assets/logo.png");
    }

    @Test
    void aPackageNeedsAManifest() throws Exception {
        Files.writeString(directory.resolve("other.json"), "{}");
        assertThatThrownBy(() -> TemplatePackage.fromDirectory(directory, 1 << 20))
                .hasMessageContaining("template.json");
    }
}
