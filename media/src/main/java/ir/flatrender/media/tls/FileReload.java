package ir.flatrender.media.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads files into a TLS manager again when they change, checked before each handshake: the
 * connection after a replacement uses the new files, and there is no thread to own or stop. A
 * replacement that does not load (half written, a key that is not one) is logged once and the
 * previous credentials kept; it is tried again when the files change again.
 */
final class FileReload {
    private static final Logger log = LoggerFactory.getLogger(FileReload.class);

    /** Reads the files into the manager. */
    interface Loader {
        void load() throws IOException, GeneralSecurityException;
    }

    private final String what;
    private final Path[] files;
    private final Loader loader;
    /** The files as last tried; guarded by this. */
    private FileStamp tried;

    /** Loads the files now: a farm that cannot read its credentials does not start. */
    FileReload(String what, Loader loader, Path... files) {
        this.what = requireNonNull(what, "what is null");
        this.loader = requireNonNull(loader, "loader is null");
        this.files = files.clone();
        try {
            tried = FileStamp.of(this.files);
            loader.load();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot load the " + what + " from " + Arrays.toString(this.files) + ": " + e.getMessage(), e);
        }
    }

    /** Loads the files again if they changed since they were last tried. */
    synchronized void refresh() {
        FileStamp now;
        try {
            now = FileStamp.of(files);
        } catch (IOException e) {
            // Between a delete and a create, say: the loaded credentials serve until it settles.
            return;
        }
        if (now.equals(tried)) {
            return;
        }
        tried = now;
        try {
            loader.load();
            log.info("loaded the {} again from {}", what, Arrays.toString(files));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn(
                    "the {} in {} changed but do not load, keeping the previous ones: {}",
                    what,
                    Arrays.toString(files),
                    e.toString());
        }
    }
}
