package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, case 6: partial files of killed attempts do not pile up in a node's work directory. */
class WorkDirectoryIT {
    private static final UUID CHUNK = UUID.fromString("3f1e8a52-6c4b-4b9e-9a43-0d2f6e1c7b11");
    private static final UUID OTHER = UUID.fromString("a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");

    @TempDir
    Path directory;

    /** What a node killed mid-attempt leaves, and what is not the node's. */
    private Path leaveAKilledRunBehind(Path work) throws Exception {
        Files.createDirectories(work);
        Files.write(work.resolve(CHUNK + "-3-360p.ts"), new byte[188 * 10]);
        Files.write(work.resolve(CHUNK + "-3-1080p.ts"), new byte[188]);
        Files.write(work.resolve(OTHER + "-1-audio.wav"), new byte[44]);
        Files.write(
                Files.createDirectories(work.resolve("remotion-" + OTHER + "-2").resolve("frames"))
                        .resolve("element-001.png"),
                new byte[8]);
        Files.createDirectories(work.resolve("aerender-" + CHUNK + "-1"));
        Files.writeString(work.resolve("notes.txt"), "not the node's");
        Files.createDirectories(work.resolve("photos"));
        return work;
    }

    private static Stream<String> names(Path work) throws Exception {
        try (Stream<Path> entries = Files.list(work)) {
            return entries.map(p -> p.getFileName().toString()).toList().stream();
        }
    }

    @Test
    @DisplayName("case 6: a node starting over a killed run's work directory removes its partial files and"
            + " nothing else")
    @SuppressWarnings("try") // the node is only held running while the directory is checked
    void aStartingNodeRemovesTheLeftoversOfKilledAttempts() throws Exception {
        Path work = leaveAKilledRunBehind(directory.resolve("node").resolve("work"));
        // No orchestrator answers at this address: the node starts and keeps trying to connect.
        try (RenderNode node = RenderNode.start(
                NodeConfig.builder("127.0.0.1:1", "token", "cleaner", directory.resolve("node"))
                        .engines(EngineSettings.timelineOnly())
                        .build(),
                TimelineFonts.loadBundled(),
                new ObjectMapper())) {
            assertThat(names(work)).containsExactlyInAnyOrder("notes.txt", "photos");
        }
    }

    @Test
    @DisplayName("case 6: an attempt's cleanup removes its files and its engine's folder, not another attempt's")
    void anAttemptsCleanupRemovesOnlyItsOwnFiles() throws Exception {
        Path work = leaveAKilledRunBehind(directory.resolve("work"));
        WorkDirectory scratch = new WorkDirectory(work);

        scratch.removeAttempt(CHUNK, 3);
        assertThat(names(work))
                .doesNotContain(CHUNK + "-3-360p.ts", CHUNK + "-3-1080p.ts")
                .contains("aerender-" + CHUNK + "-1", "remotion-" + OTHER + "-2", OTHER + "-1-audio.wav");

        scratch.removeAttempt(OTHER, 2);
        assertThat(names(work)).doesNotContain("remotion-" + OTHER + "-2").contains(OTHER + "-1-audio.wav");

        assertThat(scratch.removeLeftovers()).isEqualTo(2);
        assertThat(names(work)).containsExactlyInAnyOrder("notes.txt", "photos");
    }

    @Test
    void onlyNamesAnAttemptMakesCountAsItsFiles() {
        assertThat(WorkDirectory.isAttemptEntry(CHUNK + "-12-720p.ts")).isTrue();
        assertThat(WorkDirectory.isAttemptEntry("remotion-audio-" + CHUNK + "-1"))
                .isTrue();
        assertThat(WorkDirectory.isAttemptEntry("aerender-" + CHUNK + "-4")).isTrue();
        assertThat(WorkDirectory.isAttemptEntry("notes.txt")).isFalse();
        assertThat(WorkDirectory.isAttemptEntry(CHUNK.toString())).isFalse();
        assertThat(WorkDirectory.isAttemptEntry("backup-" + CHUNK + "-1.ts")).isFalse();
        assertThat(WorkDirectory.belongsTo(CHUNK + "-1-360p.ts", CHUNK, 12)).isFalse();
        assertThat(WorkDirectory.belongsTo(CHUNK + "-12-360p.ts", CHUNK, 1)).isFalse();
    }
}
