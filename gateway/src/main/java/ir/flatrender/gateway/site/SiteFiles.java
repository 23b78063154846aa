package ir.flatrender.gateway.site;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.regex.Pattern;

/**
 * The web app's build as files under one classpath folder (in {@code flatrender-web}'s jar, or
 * its {@code target/classes} in development). Only a path of plain names is looked up: no
 * {@code .} or {@code ..} segment, no percent sign or backslash, so nothing outside the folder
 * can be named; folders are never answered.
 */
final class SiteFiles {
    /** Segments of letters, digits, {@code _ - .}, none starting with a dot. */
    private static final Pattern NAMES =
            Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("woff", "font/woff"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wasm", "application/wasm"));

    /** A file's bytes and its media type. */
    record File(byte[] bytes, String contentType) {}

    private final ClassLoader loader;
    private final String root;

    SiteFiles(ClassLoader loader, String root) {
        this.loader = requireNonNull(loader, "loader is null");
        this.root = requireNonNull(root, "root is null");
    }

    /** Whether the classpath holds the web app at all (its index.html). */
    boolean present() {
        return read("index.html").isPresent();
    }

    /** The file at {@code relative} (no leading slash), when it is a plain name of a file in the folder. */
    Optional<File> read(String relative) {
        if (relative.length() > 512 || !NAMES.matcher(relative).matches()) {
            return Optional.empty();
        }
        URL url = loader.getResource(root + "/" + relative);
        if (url == null || !isFile(url)) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            return Optional.of(new File(in.readAllBytes(), contentType(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    /** A file rather than a folder (a class loader answers for folders too). */
    private static boolean isFile(URL url) {
        try {
            return switch (url.getProtocol()) {
                case "file" -> Files.isRegularFile(Path.of(url.toURI()));
                case "jar" -> {
                    JarEntry entry = ((JarURLConnection) url.openConnection()).getJarEntry();
                    yield entry != null && !entry.isDirectory();
                }
                default -> false;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
