package ir.flatrender.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/** A secret a data directory keeps in a file of its own: read, or made once, readable by its owner only. */
public final class SecretFiles {
    private SecretFiles() {}

    public static String readOrCreate(Path file, Supplier<String> make) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // A filesystem without POSIX permissions (Windows): the file is made as it can be.
                Files.createFile(file);
            }
            Files.writeString(file, make.get() + "\n");
        }
        return Files.readString(file).strip();
    }
}
