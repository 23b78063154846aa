package ir.flatrender.node.templates;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A digest of every file under a folder, by path and content: any change to any file changes it. */
final class TreeDigest {
    private TreeDigest() {}

    static String of(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Hasher tree = Hashing.sha256().newHasher();
        for (Path file : files) {
            String name = root.relativize(file).toString().replace('\\', '/');
            tree.putString(name, StandardCharsets.UTF_8)
                    .putByte((byte) 0)
                    .putString(
                            com.google.common.io.Files.asByteSource(file.toFile())
                                    .hash(Hashing.sha256())
                                    .toString(),
                            StandardCharsets.UTF_8)
                    .putByte((byte) '\n');
        }
        return tree.hash().toString();
    }
}
