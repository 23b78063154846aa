package ir.flatrender.tools;

import ir.flatrender.orchestrator.server.FarmToken;
import java.io.IOException;
import java.nio.file.Path;

/** The farm token of a data directory: read from its file, or made once and kept there. */
public final class FarmTokens {
    public static final String FILE = "farm-token";

    private FarmTokens() {}

    public static String readOrCreate(Path dataDirectory) throws IOException {
        return SecretFiles.readOrCreate(dataDirectory.resolve(FILE), FarmToken::generate);
    }
}
