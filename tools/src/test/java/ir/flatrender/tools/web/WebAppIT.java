package ir.flatrender.tools.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.farm.testing.TestingRemotion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's browser tests against a farm as a person gets it (issue 20): {@code flatrender
 * dev} in a JVM of its own, one pack template seeded with its covers and preview, then {@code npx
 * playwright test} in {@code web/} on Debian's Chromium; then what the browser downloaded.
 *
 * <p>The specs' environment: {@code FLATRENDER_URL} (the gateway, which serves the app at
 * {@code /}), {@code FLATRENDER_ARTIFACTS} ({@code tools/target/web-e2e}: results.json, the
 * render spec's {@value DownloadedRender#FILE}, screenshots under {@code screens/}),
 * {@code ZARINPAL_URL} (the emulator), {@code FLATRENDER_TEMPLATE} (the seeded template) and
 * {@code CHROMIUM}. With {@code -Dweb.screens.update=true} the screens are copied into
 * {@code web/docs/screens} (the README's pictures).
 */
class WebAppIT {
    /** The one pack template seeded: 2D, so its covers and preview take a minute or two. */
    private static final String TEMPLATE = "opener";

    private static final Path WEB = TestingRemotion.RUNNER.resolve("../../web").normalize();
    private static final Path ARTIFACTS =
            Path.of("target", "web-e2e").toAbsolutePath().normalize();
    private static final Duration PLAYWRIGHT_TIMEOUT = Duration.ofMinutes(45);

    @TempDir
    static Path directory;

    /** The engine processes sampled while the specs ran (stopped with them; its samples kept). */
    private EngineWatch engineWatch;

    /** What the browser tests need fails the test by name, as the Remotion ITs do: never a silent skip. */
    @BeforeEach
    void browserAndNode() {
        assertThat(Files.isExecutable(TestingRemotion.CHROMIUM))
                .as("no Chromium at %s (apt-get install chromium, or FLATRENDER_CHROMIUM)", TestingRemotion.CHROMIUM)
                .isTrue();
        assertThat(runs("node", "--version"))
                .as("no Node.js on the PATH (node --version failed)")
                .isTrue();
        assertThat(runs("npx", "--version"))
                .as("no npx on the PATH (npx --version failed)")
                .isTrue();
        assertThat(WEB.resolve("node_modules/@playwright/test"))
                .as("the web app's packages must be installed (npm ci in web/)")
                .isDirectory();
        assertThat(TestingRemotion.RUNNER.resolve("node_modules"))
                .as("the Remotion runner's packages must be installed (npm ci in node/remotion)")
                .isDirectory();
        TestingRemotion.assertPackInstalled();
    }

    @Test
    @DisplayName("issues 20 and 21: the web app's and the console's browser tests pass against a dev farm; what they"
            + " downloaded is the render; the console's drain and cancel reached the farm; a member gets 403")
    void theBrowserTestsPassAgainstADevFarm() throws Exception {
        if (Files.exists(ARTIFACTS)) {
            MoreFiles.deleteRecursively(ARTIFACTS, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.createDirectories(ARTIFACTS);
        long started = System.nanoTime();
        try (DevFarm farm = DevFarm.start(directory.resolve("dev"), ARTIFACTS.resolve("flatrender-dev.log"))) {
            say(
                    "dev farm up in %d s: gateway %s, orchestrator %s, ZarinPal %s; its log: %s",
                    seconds(started), farm.gatewayUrl(), farm.orchestrator(), farm.zarinPalUrl(), farm.log());
            seed(farm);
            String root = farm.probe("/");
            say("GET / answers %s", root);
            long playwright = System.nanoTime();
            String[] administrator = farm.administrator();
            PlaywrightRun run;
            try (EngineWatch engines = new EngineWatch(farm.process(), TestingRemotion.RUNNER)) {
                run = PlaywrightRun.run(
                        WEB,
                        Map.of(
                                "FLATRENDER_URL",
                                farm.gatewayUrl(),
                                "FLATRENDER_ARTIFACTS",
                                ARTIFACTS.toString(),
                                "ZARINPAL_URL",
                                farm.zarinPalUrl(),
                                "FLATRENDER_TEMPLATE",
                                TEMPLATE,
                                "FLATRENDER_ADMIN_EMAIL",
                                administrator[0],
                                "FLATRENDER_ADMIN_PASSWORD",
                                administrator[1],
                                "CHROMIUM",
                                TestingRemotion.CHROMIUM.toString(),
                                "FLATRENDER_TEMPLATE_ZIP",
                                consolePackage().toString(),
                                "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD",
                                "1"),
                        ARTIFACTS,
                        PLAYWRIGHT_TIMEOUT);
                engineWatch = engines;
            }
            say("npx playwright test exited %d in %d s", run.exitCode(), seconds(playwright));
            String why = "npx playwright test in " + WEB + " against " + farm.gatewayUrl() + " (GET / answered "
                    + root + "; Playwright's output: " + run.log() + ", the farm's: " + farm.log() + ")\n"
                    + String.join("\n", run.problems()) + "\n--- Playwright's last lines ---\n" + run.tail(12);
            assertThat(run.results())
                    .as("results.json from the JSON reporter; " + why)
                    .isPresent();
            assertThat(run.exitCode()).as("exit code of " + why).isZero();
            assertThat(run.count("unexpected")).as("failed tests; " + why).isZero();
            assertThat(run.count("flaky")).as("flaky tests; " + why).isZero();
            assertThat(run.problems()).as(why).isEmpty();
            assertThat(run.count("expected"))
                    .as("tests passed (a spec folder that runs nothing is a failure); " + why)
                    .isPositive();

            updateScreens();
            checkDownload(farm);
            if (Files.exists(WEB.resolve("e2e/console.spec.ts"))) {
                ConsoleChecks.check(farm, ARTIFACTS, engineWatch);
            }
        }
        say("done in %d s", seconds(started));
    }

    /**
     * The package console.spec pushes from the templates page: the orchestrator's timeline sample
     * under another id ({@code console-promo}), zipped.
     */
    private static Path consolePackage() throws IOException {
        Path sample = WEB.resolve("../orchestrator/src/main/resources/ir/flatrender/orchestrator/samples/sample-promo")
                .normalize();
        String manifest = Files.readString(sample.resolve("template.json"));
        assertThat(manifest).contains("\"id\": \"sample-promo\"");
        Path zip = ARTIFACTS.resolve("console-promo.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("template.json"));
            out.write(manifest.replace("\"id\": \"sample-promo\"", "\"id\": \"console-promo\"")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new java.util.zip.ZipEntry("logo.png"));
            out.write(Files.readAllBytes(sample.resolve("logo.png")));
            out.closeEntry();
        }
        return zip;
    }

    /** {@code templates seed <pack> --only opener} against the dev farm's orchestrator, with the operators' token. */
    private static void seed(DevFarm farm) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int code = FlatRender.run(
                new PrintWriter(out),
                new PrintWriter(err),
                false,
                "templates",
                "seed",
                TestingRemotion.PACK.toString(),
                "--only",
                TEMPLATE,
                "--orchestrator",
                farm.orchestrator(),
                "--token",
                farm.farmToken(),
                "--remotion-runner",
                TestingRemotion.RUNNER.toString());
        say("templates seed --only %s exited %d in %d s:%n%s%s", TEMPLATE, code, seconds(started), out, err);
        assertThat(code)
                .as(
                        "templates seed --only %s against the dev farm (its log: %s):\n%s%s",
                        TEMPLATE, farm.log(), out, err)
                .isZero();
    }

    /**
     * The render spec must leave {@value DownloadedRender#FILE}; without a render spec (the
     * harness's own smoke spec only) it is checked when there.
     */
    private static void checkDownload(DevFarm farm) throws Exception {
        Path renderJson = ARTIFACTS.resolve(DownloadedRender.FILE);
        if (Files.exists(WEB.resolve("e2e/render.spec.ts"))) {
            assertThat(renderJson)
                    .as("web/e2e/render.spec.ts passed but left no %s in %s", DownloadedRender.FILE, ARTIFACTS)
                    .exists();
        }
        if (Files.exists(renderJson)) {
            DownloadedRender.check(renderJson, farm.gatewayUrl());
        } else {
            say("no %s (no render spec): the download is not checked", renderJson);
        }
    }

    /** With {@code -Dweb.screens.update=true}, the specs' screenshots become web/docs/screens. */
    private static void updateScreens() throws IOException {
        Path screens = ARTIFACTS.resolve("screens");
        if (!Boolean.getBoolean("web.screens.update") || !Files.isDirectory(screens)) {
            return;
        }
        Path docs = WEB.resolve("docs/screens");
        Files.createDirectories(docs);
        List<Path> pictures;
        try (Stream<Path> files = Files.list(screens)) {
            pictures = files.filter(p -> p.getFileName().toString().endsWith(".png"))
                    .sorted()
                    .toList();
        }
        for (Path picture : pictures) {
            Files.copy(picture, docs.resolve(picture.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        say("%d screen(s) copied into %s", pictures.size(), docs);
    }

    private static void say(String format, Object... arguments) {
        System.out.println("[web-e2e] " + String.format(format, arguments));
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    private static boolean runs(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
