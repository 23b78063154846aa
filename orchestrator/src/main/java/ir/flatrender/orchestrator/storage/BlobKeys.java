package ir.flatrender.orchestrator.storage;

import java.util.regex.Pattern;

/** Checks blob keys, so that no key names a place outside the store. */
public final class BlobKeys {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private BlobKeys() {}

    public static String check(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) {
            throw new IllegalArgumentException("bad blob key: " + key);
        }
        for (String part : key.split("/", -1)) {
            if (!SEGMENT.matcher(part).matches() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("bad blob key: " + key);
            }
        }
        return key;
    }
}
