package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the release tarball the build writes (src/assembly/release.xml), unpacked with tar
 * as an operator would: its command runs from where it lies, its settings examples are private,
 * and its systemd units pass {@code systemd-analyze verify} once pointed at it.
 */
class ReleaseTarballIT {
    @TempDir
    static Path unpacked;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().endsWith("-release.tar.gz"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no release tarball in target/ (the package phase makes it)"));
        }
        assertThat(run(List.of("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", unpacked.toString()))
                        .exit())
                .isZero();
        try (Stream<Path> roots = Files.list(unpacked)) {
            home = roots.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    record Ran(int exit, String output) {}

    private static Ran run(List<String> command) throws IOException, InterruptedException {
        // In the temporary folder: whatever a command makes lands there.
        Process process = new ProcessBuilder(command)
                .directory(unpacked.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as(String.join(" ", command))
                .isTrue();
        return new Ran(process.exitValue(), output);
    }

    @Test
    @DisplayName("it holds bin/flatrender, lib/, the Remotion runner without its packages, private settings"
            + " examples, the units and the deployment page")
    void itsLayout() throws Exception {
        assertThat(home.getFileName().toString()).startsWith("flatrender-");
        assertThat(home.resolve("bin/flatrender")).isExecutable();
        assertThat(home.resolve("lib/flatrender.jar")).isRegularFile();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(j -> j.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("flatrender-orchestrator-"))
                    .anyMatch(name -> name.startsWith("grpc-netty-shaded-"))
                    .anyMatch(name -> name.startsWith("s3-"));
        }
        assertThat(home.resolve("node/remotion/package.json")).isRegularFile();
        assertThat(home.resolve("node/remotion/node_modules")).doesNotExist();
        for (String service : List.of("orchestrator", "node", "gateway")) {
            Path settings = home.resolve("etc/" + service + ".env");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)))
                    .as(settings.toString())
                    .isEqualTo("rw-------");
            assertThat(Files.readString(settings)).contains("FLATRENDER_ARGS=");
            assertThat(home.resolve("systemd/flatrender-" + service + ".service"))
                    .isRegularFile();
        }
        assertThat(home.resolve("docs/DEPLOYMENT.md")).isRegularFile();
        assertThat(home.resolve("docs/README.md")).isRegularFile();
    }

    @Test
    @DisplayName("its bin/flatrender runs from where it was unpacked, from any working directory")
    void itsCommandRuns() throws Exception {
        Ran version = run(List.of(home.resolve("bin/flatrender").toString(), "--version"));
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("flatrender ");
        Ran help = run(List.of(home.resolve("bin/flatrender").toString(), "orchestrator", "--help"));
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("--s3-endpoint", "--tls-cert");
        Ran bad = run(List.of(home.resolve("bin/flatrender").toString(), "orchestrator", "--s3-bucket", "x"));
        assertThat(bad.exit()).as(bad.output()).isNotZero();
        assertThat(bad.output()).contains("--s3-endpoint");
        assertThat(unpacked.resolve("flatrender-data"))
                .as("nothing made before the options were checked")
                .doesNotExist();
    }

    @Test
    @DisplayName("its systemd units pass systemd-analyze verify, pointed at the unpacked release")
    void itsUnitsVerify() throws Exception {
        assumeTrue(
                Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze")
                        .anyMatch(p -> Files.isExecutable(Path.of(p))),
                "systemd-analyze is not installed");
        Path units = Files.createDirectories(unpacked.resolve("units"));
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        try (Stream<Path> files = Files.list(home.resolve("systemd"))) {
            for (Path unit : files.toList()) {
                String text = Files.readString(unit);
                assertThat(text).contains("ExecStart=/opt/flatrender/bin/flatrender ", "KillSignal=SIGTERM");
                Path copy = units.resolve(unit.getFileName());
                Files.writeString(copy, text.replace("/opt/flatrender", home.toString()));
                command.add(copy.toString());
            }
        }
        assertThat(command).hasSize(5);
        Ran verify = run(command);
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).as("what systemd-analyze found").isBlank();
    }
}
