package ir.flatrender.orchestrator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
