package ir.flatrender.node.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageExtractorTest {
    @TempDir
    Path directory;

    private Path zip(String... namesAndContents) throws IOException {
        Path zip = directory.resolve("package.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream entries = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                entries.putNextEntry(new ZipEntry(namesAndContents[i]));
                entries.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                entries.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void unpacksNestedFiles() throws Exception {
        Path target = directory.resolve("out");
        PackageExtractor.extract(zip("template.json", "{}", "assets/logo.png", "png"), target, 1 << 20);
        assertThat(target.resolve("template.json")).hasContent("{}");
        assertThat(target.resolve("assets/logo.png")).hasContent("png");
    }

    @Test
    void refusesEntriesThatEscapeThePackage() throws Exception {
        for (String bad : new String[] {"../evil.txt", "a/../../evil.txt", "/etc/evil", "C:/evil", "a\\..\\evil"}) {
            Path target = directory.resolve("out-" + Math.abs(bad.hashCode()));
            assertThatThrownBy(() -> PackageExtractor.extract(zip("template.json", "{}", bad, "x"), target, 1 << 20))
                    .as(bad)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("escapes the package root");
            assertThat(directory.resolve("evil.txt")).doesNotExist();
        }
    }

    @Test
    void refusesAPackageThatUnpacksPastTheLimit() throws Exception {
        Path target = directory.resolve("out");
        assertThatThrownBy(() -> PackageExtractor.extract(zip("template.json", "x".repeat(5000)), target, 1000))
                .hasMessageContaining("more than 1000 bytes");
    }
}
