package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.config.DataSize;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code templates push|list|show} against a real orchestrator: what they print and how they exit. */
class TemplateCommandsIT {
    private static final long MAX_PACKAGE_BYTES = 256 * 1024;

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    Path directory;

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(
                postgres.database(), config -> config.maxPackageSize(DataSize.ofBytes(MAX_PACKAGE_BYTES)));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 4];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--orchestrator";
        full[args.length + 1] = orchestrator.target();
        full[args.length + 2] = "--token";
        full[args.length + 3] = orchestrator.token();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, full);
        return new Run(code, out.toString(), err.toString());
    }

    private static String manifest(String id, int fps) {
        return """
                {"id": "%s", "name": {"en": "Card", "fa": "کارت"}, "engine": "timeline", "fps": %d,
                 "durationInFrames": 60,
                 "aspects": {"16:9": {"width": 1280, "height": 720}, "1:1": {"width": 720, "height": 720}},
                 "bindings": [
                   {"name": "title", "type": "text", "label": {"en": "Title", "fa": "عنوان"}, "maxLength": 20},
                   {"name": "accent", "type": "color", "default": "#ff6b35"}],
                 "spec": {"background": {"type": "solid", "color": "{{accent}}"}}}
                """.formatted(id, fps);
    }

    private Path folder(String name, String manifest) throws IOException {
        Path folder = Files.createDirectories(directory.resolve(name));
        Files.writeString(folder.resolve("template.json"), manifest);
        Files.writeString(folder.resolve("notes.txt"), "the card's notes");
        return folder;
    }

    private Path zip(String name, String... entries) throws IOException {
        Path file = directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i]));
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void aPushedFolderIsListedAndShownAndTheSameZipChangesNothing() throws Exception {
        Run pushed = run(
                "templates", "push", folder("card", manifest("cli-card", 30)).toString());
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        assertThat(pushed.out())
                .matches("template cli-card version 1 pushed \\(timeline, package [0-9a-f]{12}, \\d+ bytes\\)\\n");

        // The same files as a zip are the same content: the same version.
        Path zip = zip("card.zip", "template.json", manifest("cli-card", 30), "notes.txt", "the card's notes");
        Run again = run("templates", "push", zip.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("template cli-card version 1 unchanged");

        Run changed = run(
                "templates",
                "push",
                zip("card2.zip", "template.json", manifest("cli-card", 25)).toString());
        assertThat(changed.out()).contains("template cli-card version 2 pushed");

        Run list = run("templates", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines()).first().asString().startsWith("ID").contains("VERSION", "ENGINE", "ASPECTS");
        assertThat(list.out()).containsPattern("cli-card\\s+2\\s+timeline\\s+25\\s+60\\s+1:1,16:9\\s+Card");

        // The answer is ListTemplatesResponse with the proto's field names (issue 16).
        Run json = run("templates", "list", "-o", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode templates = new ObjectMapper().readTree(json.out()).path("templates");
        assertThat(templates.isArray()).isTrue();
        JsonNode card = null;
        for (JsonNode template : templates) {
            if (template.path("id").asText().equals("cli-card")) {
                card = template;
            }
        }
        assertThat(card).isNotNull();
        assertThat(card.path("version").asInt()).isEqualTo(2);
        assertThat(card.path("engine").asText()).isEqualTo("timeline");
        assertThat(card.has("duration_frames")).isTrue();
        assertThat(card.has("durationFrames")).isFalse();

        Run show = run("templates", "show", "cli-card", "--version", "1");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out())
                .contains("version:   1\n")
                .contains("name:      Card / کارت")
                .contains("engine:    timeline, 30 fps, 60 frames")
                .contains("aspect:    16:9  1280x720")
                .contains("binding:   title            text   required")
                .contains("binding:   accent           color  default \"#ff6b35\"")
                .contains("cached on: no node");
    }

    @Test
    void unknownTemplatesAndUnreachableOrchestratorsHaveTheirOwnExitCodes() throws IOException {
        Run show = run("templates", "show", "no-such-template");
        assertThat(show.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(show.err()).contains("template 'no-such-template' does not exist");

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringWriter err = new StringWriter();
        int code = FlatRender.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                false,
                "templates",
                "list",
                "--orchestrator",
                "127.0.0.1:" + port,
                "--token",
                "x");
        assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach the orchestrator");
    }

    @Test
    void unsafeInvalidAndOversizedPackagesAreRefusedWithTheReason() throws Exception {
        Path linked = folder("linked", manifest("linked", 30));
        Files.createSymbolicLink(linked.resolve("passwd"), Path.of("/etc/passwd"));
        Run link = run("templates", "push", linked.toString());
        assertThat(link.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(link.err()).contains("'passwd' is a link");

        Run escape = run(
                "templates",
                "push",
                zip("escape.zip", "template.json", manifest("escape", 30), "../outside.txt", "x")
                        .toString());
        assertThat(escape.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(escape.err()).contains("'../outside.txt' escapes the package root");

        Run invalid = run(
                "templates", "push", folder("invalid", manifest("invalid", 500)).toString());
        assertThat(invalid.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(invalid.err()).contains("fps: must be between 1 and 120");

        // Over the orchestrator's limit: refused there, whatever the client allows.
        Path big = folder("big", manifest("big", 30));
        Files.write(big.resolve("big.bin"), new byte[(int) MAX_PACKAGE_BYTES + 1]);
        Run oversized = run("templates", "push", big.toString());
        assertThat(oversized.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(oversized.err()).contains("larger than the limit of " + MAX_PACKAGE_BYTES + " bytes");
        // And over the client's own limit: refused before sending.
        Run clientSide = run("templates", "push", big.toString(), "--max-size", "100k");
        assertThat(clientSide.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(clientSide.err()).contains("larger than the limit of 102400 bytes");

        Run list = run("templates", "list", "--output", "json");
        assertThat(list.out()).doesNotContain("\"linked\"", "\"escape\"", "\"invalid\"", "\"big\"");
    }
}
