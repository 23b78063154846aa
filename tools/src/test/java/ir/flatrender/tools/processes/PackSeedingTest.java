package ir.flatrender.tools.processes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.node.engines.EngineSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dev's first-start seeding says why it does not seed before it asks the farm anything. */
class PackSeedingTest {
    private static final String NO_FARM = "127.0.0.1:1";

    private static String why(Path pack, EngineSettings engines) {
        return PackSeeding.startIfEmpty(
                        pack, NO_FARM, "token", engines, new ObjectMapper(), new PrintWriter(new StringWriter()))
                .orElse("started");
    }

    @Test
    void aPackWithoutPackagesItsDependenciesOrRemotionIsNotSeeded(@TempDir Path directory) throws Exception {
        assertThat(why(directory.resolve("missing"), EngineSettings.timelineOnly()))
                .contains("holds no template");
        Path pack = directory.resolve("pack");
        Files.createDirectories(pack.resolve("opener"));
        Files.writeString(pack.resolve("opener/template.json"), "{\"id\": \"opener\"}");
        assertThat(why(pack, EngineSettings.timelineOnly())).contains("npm ci in " + pack);
        Files.createDirectories(pack.resolve("node_modules"));
        assertThat(why(pack, EngineSettings.timelineOnly())).contains("--remotion-runner");
    }
}
