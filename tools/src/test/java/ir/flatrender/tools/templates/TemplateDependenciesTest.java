package ir.flatrender.tools.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateDependenciesTest {
    @TempDir
    Path directory;

    /**
     * A stand-in for npm: {@code npm ci} writes node_modules/installed.txt with the lockfile it
     * was given and counts its runs in {@code runs}; with {@code fail} beside it, it fails as npm does.
     */
    private Path fakeNpm() throws Exception {
        Path npm = directory.resolve("bin/npm");
        Files.createDirectories(npm.getParent());
        Files.writeString(npm, """
                #!/bin/sh
                here=$(dirname "$0")
                echo run >> "$here/runs"
                if [ -e "$here/fail" ]; then echo "npm error code E404" >&2; exit 1; fi
                [ "$1" = ci ] || exit 2
                mkdir -p node_modules && cp package-lock.json node_modules/installed.txt
                """);
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return npm;
    }

    private Path project(String name, String lockfile) throws Exception {
        Path project = Files.createDirectories(directory.resolve(name));
        Files.writeString(project.resolve("package.json"), "{\"name\": \"" + name + "\"}");
        Files.writeString(project.resolve("package-lock.json"), lockfile);
        return project;
    }

    @Test
    void aLockfileIsInstalledOnceAndReusedByEveryPackageWithTheSameOne() throws Exception {
        Path npm = fakeNpm();
        Path cache = directory.resolve("cache");
        TemplateDependencies dependencies = new TemplateDependencies(cache, npm);
        StringWriter console = new StringWriter();

        Path first = dependencies.install(project("a", "{\"lockfileVersion\": 3}"), new PrintWriter(console, true));
        Path again = dependencies.install(project("b", "{\"lockfileVersion\": 3}"), new PrintWriter(console, true));
        Path other = dependencies.install(
                project("c", "{\"lockfileVersion\": 3, \"x\": 1}"), new PrintWriter(console, true));

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first.getParent().getFileName().toString())
                .isEqualTo(com.google.common.hash.Hashing.sha256()
                        .hashString("{\"lockfileVersion\": 3}", java.nio.charset.StandardCharsets.UTF_8)
                        .toString());
        assertThat(Files.readString(first.resolve("installed.txt"))).isEqualTo("{\"lockfileVersion\": 3}");
        assertThat(Files.readAllLines(npm.resolveSibling("runs"))).hasSize(2);
        assertThat(console.toString()).contains("dependencies: installed").contains("dependencies: cached");
        // Nothing half-made is left beside the entries.
        try (var entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString())).allMatch(name -> name.matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void aFailedInstallSaysWhatNpmSaidAndCachesNothing() throws Exception {
        Path npm = fakeNpm();
        Files.writeString(npm.resolveSibling("fail"), "");
        Path cache = directory.resolve("cache");
        TemplateDependencies dependencies = new TemplateDependencies(cache, npm);

        assertThatThrownBy(() -> dependencies.install(project("a", "{}"), new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("installing the template's dependencies (npm ci from its package-lock.json)")
                .hasMessageContaining("npm error code E404");
        try (var entries = Files.list(cache)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void onlyAPackageJsonWithItsLockfileBringsItsOwnDependencies() throws Exception {
        Path both = project("both", "{}");
        Path manifestOnly = Files.createDirectories(directory.resolve("manifest-only"));
        Files.writeString(manifestOnly.resolve("package.json"), "{}");

        assertThat(TemplateDependencies.declaredBy(both)).isTrue();
        // A member of the pack's workspace: its lockfile is the workspace's, it bundles as before.
        assertThat(TemplateDependencies.declaredBy(manifestOnly)).isFalse();
    }
}
