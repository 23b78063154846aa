package ir.flatrender.tools;

import ir.flatrender.orchestrator.server.FarmToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The farm token of a data directory: read from its file, or made once and kept there. */
public final class FarmTokens {
    public static final String FILE = "farm-token";

    private FarmTokens() {}

    public static String readOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        Files.createDirectories(dataDirectory);
        String token = FarmToken.generate();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n");
        return token;
    }
}
