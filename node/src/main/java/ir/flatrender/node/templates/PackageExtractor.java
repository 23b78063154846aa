package ir.flatrender.node.templates;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a template package zip, refusing any entry that would land outside the target
 * folder ({@code ../}, absolute paths, drive letters) and any package that unpacks to more
 * than the limit. Entries are written as plain files, so a link in the zip never becomes one.
 */
public final class PackageExtractor {
    private PackageExtractor() {}

    public static void extract(Path zip, Path target, long maxBytes) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Files.createDirectories(root);
        long total = 0;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path destination = destination(root, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                    continue;
                }
                Files.createDirectories(destination.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    // Counted as written, not as the header claims: headers can lie.
                    byte[] buffer = new byte[1 << 16];
                    try (var out = Files.newOutputStream(destination)) {
                        int read;
                        while ((read = in.read(buffer)) > 0) {
                            total += read;
                            if (total > maxBytes) {
                                throw new IOException("package unpacks to more than " + maxBytes + " bytes");
                            }
                            out.write(buffer, 0, read);
                        }
                    }
                }
            }
        }
    }

    static Path destination(Path root, String name) throws IOException {
        if (name.isEmpty()
                || name.startsWith("/")
                || name.startsWith("\\")
                || name.contains(":")
                || name.contains("\\")
                || List.of(name.split("/")).contains("..")) {
            throw new IOException("package entry '" + name + "' escapes the package root");
        }
        Path destination = root.resolve(name).normalize();
        if (!destination.startsWith(root) || destination.equals(root)) {
            throw new IOException("package entry '" + name + "' escapes the package root");
        }
        return destination;
    }
}
