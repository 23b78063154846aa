package ir.flatrender.orchestrator.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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

    private static final TemplatePackage.Limits GENEROUS = TemplatePackage.Limits.of(2L * 1024 * 1024 * 1024);

    /** A deflated zip: the manifest and one entry of {@code zeros} zero bytes. */
    private static Path bomb(Path folder, long zeros) throws IOException {
        Path file = folder.resolve("bomb.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("template.json"));
            zip.write("{}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < zeros; written += block.length) {
                zip.write(block, 0, (int) Math.min(block.length, zeros - written));
            }
        }
        return file;
    }

    private static long filesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    /** Issue 14, case 12: a 700 MB zip bomb was unpacked into memory and ran the orchestrator out of it. */
    @Test
    void aZipBombIsRefusedByItsRatioLongBeforeItIsUnpacked() throws Exception {
        Path zip = bomb(directory, 300L * 1024 * 1024);
        assertThat(Files.size(zip)).isLessThan(1024 * 1024);
        Path scratch = Files.createDirectories(directory.resolve("scratch"));
        assertThatThrownBy(() -> TemplatePackage.fromZip(zip, GENEROUS, scratch))
                .isInstanceOfSatisfying(
                        FarmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
                .hasMessageContaining("'zeros.bin' unpacks to over 200 times its packed size")
                .hasMessageContaining("zip bomb");
        // Nothing is left behind in scratch.
        assertThat(filesUnder(scratch)).isZero();
    }

    @Test
    void aZipWithTooManyEntriesIsRefusedBeforeAnyIsUnpacked() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("template.json"));
            for (int i = 0; i < 30; i++) {
                zip.putNextEntry(new ZipEntry("f/" + i));
            }
        }
        Path scratch = Files.createDirectories(directory.resolve("scratch"));
        assertThatThrownBy(() -> TemplatePackage.fromZip(
                        bytes.toByteArray(), new TemplatePackage.Limits(1 << 20, 20, 200), scratch))
                .isInstanceOf(FarmException.class)
                .hasMessageContaining("package has 31 entries; the limit is 20");
        assertThat(filesUnder(scratch)).isZero();
    }

    @Test
    void theTotalUnpackedSizeIsCountedAsReadAndRefusedPastTheLimit() throws Exception {
        // Ten entries of 600 KiB each stay under the ratio grace and the entry's own checks; their sum does not.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("template.json"));
            for (int i = 0; i < 10; i++) {
                zip.putNextEntry(new ZipEntry("part-" + i));
                zip.write(new byte[600 * 1024]);
            }
        }
        Path scratch = Files.createDirectories(directory.resolve("scratch"));
        assertThatThrownBy(() -> TemplatePackage.fromZip(
                        bytes.toByteArray(), TemplatePackage.Limits.of(4L * 1024 * 1024), scratch))
                .isInstanceOf(FarmException.class)
                .hasMessageContaining("larger than the limit of 4194304 bytes unpacked");
        assertThat(filesUnder(scratch)).isZero();
    }

    @Test
    void aZipIsUnpackedToScratchOnDiskAndRewrittenByteForByteUntilClosed() throws Exception {
        Files.writeString(directory.resolve("template.json"), "{\"id\": \"x\"}");
        byte[] big = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        Files.write(directory.resolve("media.bin"), big);
        TemplatePackage folder = TemplatePackage.fromDirectory(directory, 1 << 24);
        byte[] zip = folder.toZip();
        Path scratch = Files.createDirectories(directory.resolve("scratch"));
        try (TemplatePackage unpacked = TemplatePackage.fromZip(zip, GENEROUS, scratch)) {
            assertThat(filesUnder(scratch)).isEqualTo(2);
            assertThat(unpacked.names()).containsExactly("media.bin", "template.json");
            assertThat(unpacked.size("media.bin")).isEqualTo(big.length);
            assertThat(unpacked.zipDigest())
                    .isEqualTo(new TemplatePackage.ZipDigest(zip.length, TemplatePackage.sha256(zip)));
            assertThat(unpacked.toZip()).isEqualTo(zip);
        }
        assertThat(filesUnder(scratch)).isZero();
    }
}
