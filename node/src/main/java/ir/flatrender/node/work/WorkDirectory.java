package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's scratch space for chunk attempts: segments ({@code <chunk>-<attempt>-<tier>.ts}),
 * the audio task's wav, and the engines' own folders ({@code remotion-<chunk>-<attempt>},
 * {@code aerender-<chunk>-<attempt>}). An attempt cleans up after itself when it ends, but a
 * node killed mid-attempt leaves its partial files behind, so the node also empties the
 * directory of attempt files when it starts, before any attempt can run. Only entries named
 * like an attempt's are removed: {@code --work-dir} may point at a folder that holds other
 * things too.
 */
public final class WorkDirectory {
    private static final Logger log = LoggerFactory.getLogger(WorkDirectory.class);
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern ATTEMPT_ENTRY =
            Pattern.compile("(?:remotion-audio-|remotion-|aerender-)?" + UUID_PATTERN + "-\\d+(?:-[^/]*)?");

    private final Path directory;

    public WorkDirectory(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    public Path path() {
        return directory;
    }

    /** Whether a name in the work directory is one an attempt makes. */
    static boolean isAttemptEntry(String name) {
        return ATTEMPT_ENTRY.matcher(name).matches();
    }

    /** Whether a name belongs to this chunk attempt. */
    static boolean belongsTo(String name, UUID chunkId, long attempt) {
        String stem = chunkId + "-" + attempt;
        return isAttemptEntry(name)
                && (name.equals(stem)
                        || name.startsWith(stem + "-")
                        || name.endsWith("-" + stem)
                        || name.contains("-" + stem + "-"));
    }

    /**
     * At start: removes every attempt's leftovers (a previous run was killed mid-attempt).
     *
     * @return how many entries were removed
     */
    public int removeLeftovers() throws IOException {
        Files.createDirectories(directory);
        int removed = remove(name -> isAttemptEntry(name));
        if (removed > 0) {
            log.info("removed {} leftover file(s) of earlier attempts from {}", removed, directory);
        }
        return removed;
    }

    /** After an attempt: removes what it left, whatever ended it. */
    public void removeAttempt(UUID chunkId, long attempt) {
        try {
            remove(name -> belongsTo(name, chunkId, attempt));
        } catch (IOException e) {
            log.warn("could not clean chunk {} attempt {} from {}: {}", chunkId, attempt, directory, e.toString());
        }
    }

    private int remove(java.util.function.Predicate<String> which) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (which.test(entry.getFileName().toString())) {
                    // Links are removed, never followed (ALLOW_INSECURE only where the file
                    // system cannot delete securely, and the entries are the node's own).
                    MoreFiles.deleteRecursively(entry, RecursiveDeleteOption.ALLOW_INSECURE);
                    removed++;
                }
            }
        }
        return removed;
    }
}
