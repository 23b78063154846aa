package ir.flatrender.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins every landed migration: a database made by an earlier build has each applied version's
 * checksum in its {@code flyway_schema_history}, and Flyway refuses to migrate it once the file
 * changes. So the SHA-256 of each migration is listed, per schema, in
 * {@code src/test/resources/ir/flatrender/migrations/landed/<schema>.sha256} (the format {@code
 * sha256sum} writes), and this test fails on a file that differs from its line, a listed file
 * that is gone, and a file that is not listed yet.
 */
class LandedMigrationsTest {
    private static final String SOURCES = "migrations/src/main/resources/ir/flatrender/migrations/";
    private static final String LISTS = "migrations/src/test/resources/ir/flatrender/migrations/landed/";

    @ParameterizedTest
    @EnumSource(Schema.class)
    void everyMigrationIsListedWithTheChecksumItLandedWith(Schema schema) {
        String name = schema.sqlName();
        Map<String, String> landed = landed(schema);
        Map<String, String> present = present(schema);
        List<String> problems = new ArrayList<>();
        landed.forEach((file, sha256) -> {
            String now = present.get(file);
            if (now == null) {
                problems.add(name + "/" + file + " landed and is gone. A landed migration is never deleted;"
                        + " restore it (git checkout main -- " + SOURCES + name + "/" + file + ").");
            } else if (!now.equals(sha256)) {
                problems.add(name + "/" + file + " has SHA-256 " + now + " but landed as " + sha256 + "."
                        + " A landed migration is never edited; add a new version: restore this file"
                        + " (git checkout main -- " + SOURCES + name + "/" + file + ") and put the change in "
                        + name + "/V" + nextVersion(present) + "__<what it does>.sql.");
            }
        });
        present.forEach((file, sha256) -> {
            if (!landed.containsKey(file)) {
                problems.add(name + "/" + file + " is not in " + LISTS + name + ".sha256."
                        + " Adding a migration is deliberate: when the file is final, list it with"
                        + " (cd " + SOURCES + name + " && sha256sum " + file + ") >> " + LISTS + name + ".sha256"
                        + " and commit both; once it has landed it is never edited.");
            }
        });
        assertThat(problems).as("migrations of schema %s", name).isEmpty();
    }

    /** The list checked in: file name to SHA-256. */
    private static Map<String, String> landed(Schema schema) {
        String resource = "landed/" + schema.sqlName() + ".sha256";
        try (InputStream in = LandedMigrationsTest.class.getResourceAsStream(resource)) {
            assertThat(in)
                    .as("%s%s.sha256 (a migration schema needs its list)", LISTS, schema.sqlName())
                    .isNotNull();
            Map<String, String> landed = new TreeMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+\\*?", 2);
                assertThat(parts)
                        .as("line '%s' of %s: '<sha256>  <file>'", line, resource)
                        .hasSize(2);
                assertThat(landed.put(parts[1], parts[0]))
                        .as("%s listed twice in %s", parts[1], resource)
                        .isNull();
            }
            return landed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The migrations Flyway finds on the class path for the schema: file name to SHA-256. */
    private static Map<String, String> present(Schema schema) {
        String folder = schema.location().substring("classpath:".length());
        URL url = Migrations.class.getClassLoader().getResource(folder);
        assertThat(url).as("migrations folder %s", folder).isNotNull();
        assertThat(url.getProtocol())
                .as("the migrations are read from target/classes")
                .isEqualTo("file");
        Map<String, String> present = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path file : files.sorted().toList()) {
                present.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return present;
    }

    private static String nextVersion(Map<String, String> present) {
        int highest = 0;
        for (String file : present.keySet()) {
            if (file.matches("V\\d+__.*")) {
                highest = Math.max(highest, Integer.parseInt(file.substring(1, file.indexOf("__"))));
            }
        }
        return String.format("%03d", highest + 1);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
