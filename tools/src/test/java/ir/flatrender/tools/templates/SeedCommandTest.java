package ir.flatrender.tools.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code templates seed} that need no farm (issue 18, case 3). */
class SeedCommandTest {
    @TempDir
    Path pack;

    @Test
    void thePackagesAreTheFoldersWithAManifestInNameOrder() throws IOException {
        Files.createDirectories(pack.resolve("shared/src"));
        Files.createDirectories(pack.resolve("zeta"));
        Files.writeString(pack.resolve("zeta/template.json"), "{}");
        Files.createDirectories(pack.resolve("alpha"));
        Files.writeString(pack.resolve("alpha/template.json"), "{}");
        Files.createDirectories(pack.resolve("notes"));

        assertThat(SeedCommand.packages(pack)).containsExactly(pack.resolve("alpha"), pack.resolve("zeta"));
    }

    @Test
    void aFolderWithoutPackagesIsRefusedByName() {
        assertThatThrownBy(() -> SeedCommand.packages(pack))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pack.toString())
                .hasMessageContaining("no package folder");
    }

    @Test
    void theLibraryDigestFollowsItsSourcesNotItsDependencies() throws IOException {
        Path library = pack.resolve("shared");
        Files.createDirectories(library.resolve("src"));
        Files.writeString(library.resolve("src/index.ts"), "export const a = 1;\n");
        String first = SeedCommand.treeDigest(library);

        Files.createDirectories(library.resolve("node_modules/x"));
        Files.writeString(library.resolve("node_modules/x/index.js"), "installed");
        assertThat(SeedCommand.treeDigest(library)).isEqualTo(first);

        Files.writeString(library.resolve("src/index.ts"), "export const a = 2;\n");
        assertThat(SeedCommand.treeDigest(library)).isNotEqualTo(first);
        // A file renamed with the same bytes is a different library too.
        Files.move(library.resolve("src/index.ts"), library.resolve("src/main.ts"));
        assertThat(SeedCommand.treeDigest(library)).isNotEqualTo(first);
    }

    @Test
    void seedingAMissingFolderExitsWithTheUsageCodeAndSaysWhy() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(
                new PrintWriter(out),
                new PrintWriter(err),
                false,
                "templates",
                "seed",
                pack.resolve("absent").toString(),
                "--orchestrator",
                "127.0.0.1:1");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("absent is not a folder");
    }
}
