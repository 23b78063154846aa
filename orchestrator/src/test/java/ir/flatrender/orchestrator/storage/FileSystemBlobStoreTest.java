package ir.flatrender.orchestrator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {
    @TempDir
    Path root;

    @Test
    void aBlobIsVisibleOnlyOnceCommitted() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        try (BlobWriter writer = store.create("segments/job/0-1.ts")) {
            writer.stream().write("hello world".getBytes(StandardCharsets.UTF_8));
            assertThat(store.size("segments/job/0-1.ts")).isEmpty();
            assertThat(writer.sha256()).isEqualTo("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
            writer.commit();
        }
        assertThat(store.size("segments/job/0-1.ts")).contains(11L);
        try (InputStream in = store.open("segments/job/0-1.ts", 6)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
        }
    }

    @Test
    void anUncommittedWriteLeavesNothing() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        try (BlobWriter writer = store.create("a/b")) {
            writer.stream().write(1);
        }
        assertThat(store.size("a/b")).isEmpty();
        assertThat(root.resolve(".incoming").toFile().list()).isEmpty();
    }

    @Test
    void keysCannotLeaveTheStore() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        for (String bad : new String[] {"../x", "/etc/passwd", "a/../../x", "a//b", "", ".."}) {
            assertThatThrownBy(() -> store.create(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void deletingATreeRemovesItsBlobs() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        for (String key : new String[] {"segments/j/0-1.ts", "segments/j/1-1.ts", "segments/k/0-1.ts"}) {
            try (BlobWriter writer = store.create(key)) {
                writer.stream().write(7);
                writer.commit();
            }
        }
        store.deleteTree("segments/j");
        assertThat(store.size("segments/j/0-1.ts")).isEmpty();
        assertThat(store.size("segments/k/0-1.ts")).contains(1L);
    }

    /** Issue 14, case 15: renders and templates are readable by the orchestrator's own user only. */
    @Test
    void case15_filesAndFoldersAreTheOwnersOnlyWhateverTheUmask() throws Exception {
        Path store = root.resolve("blobs");
        java.nio.file.Files.createDirectories(store);
        java.nio.file.Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
        FileSystemBlobStore blobs = new FileSystemBlobStore(store);
        try (BlobWriter writer = blobs.create("exports/tenant/job/video.mp4")) {
            writer.stream().write(7);
            writer.commit();
        }
        assertThat(permissions(store)).isEqualTo("rwx------");
        assertThat(permissions(store.resolve(".incoming"))).isEqualTo("rwx------");
        assertThat(permissions(store.resolve("exports"))).isEqualTo("rwx------");
        assertThat(permissions(store.resolve("exports/tenant"))).isEqualTo("rwx------");
        assertThat(permissions(store.resolve("exports/tenant/job"))).isEqualTo("rwx------");
        assertThat(permissions(store.resolve("exports/tenant/job/video.mp4"))).isEqualTo("rw-------");
    }

    private static String permissions(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(path));
    }
}
